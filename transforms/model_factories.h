// Factories of the what-if models, one per model file; listed in model_registry.cc.
#pragma once

#include <memory>

#include "transforms/whatif_model.h"

namespace dd {

}  // namespace dd
