// The list of what-if models. Each model file defines its factory; adding a model is one line
// here (an explicit list: no registration through static initializers).
#include "transforms/model_factories.h"
#include "transforms/whatif_model.h"

namespace dd {

const std::vector<std::unique_ptr<WhatIfModel>>& whatif_models() {
  static const std::vector<std::unique_ptr<WhatIfModel>> models = [] {
    std::vector<std::unique_ptr<WhatIfModel>> list;
    list.push_back(make_scale_model());
    list.push_back(make_cuda_graphs_model());
    list.push_back(make_fused_optimizer_model());
    list.push_back(make_faster_input_model());
    list.push_back(make_gpu_model());
    list.push_back(make_amp_model());
    list.push_back(make_recompute_model());
    list.push_back(make_fuse_elementwise_model());
    list.push_back(make_ddp_model());
    list.push_back(make_ps_model());
    list.push_back(make_priority_comm_model());
    list.push_back(make_pipeline_model());
    list.push_back(make_prefetch_transfer_model());
    list.push_back(make_virtual_nodes_model());
    return list;
  }();
  return models;
}

}  // namespace dd
