// Factories of the what-if models, one per model file; listed in model_registry.cc.
#pragma once

#include <memory>

#include "transforms/whatif_model.h"

namespace dd {

std::unique_ptr<WhatIfModel> make_scale_model();
std::unique_ptr<WhatIfModel> make_cuda_graphs_model();
std::unique_ptr<WhatIfModel> make_fused_optimizer_model();
std::unique_ptr<WhatIfModel> make_faster_input_model();
std::unique_ptr<WhatIfModel> make_gpu_model();
std::unique_ptr<WhatIfModel> make_amp_model();
std::unique_ptr<WhatIfModel> make_recompute_model();
std::unique_ptr<WhatIfModel> make_fuse_elementwise_model();
std::unique_ptr<WhatIfModel> make_ddp_model();
std::unique_ptr<WhatIfModel> make_ps_model();
std::unique_ptr<WhatIfModel> make_priority_comm_model();
std::unique_ptr<WhatIfModel> make_pipeline_model();
std::unique_ptr<WhatIfModel> make_prefetch_transfer_model();
std::unique_ptr<WhatIfModel> make_virtual_nodes_model();

}  // namespace dd
