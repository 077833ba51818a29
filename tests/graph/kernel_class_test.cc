// KernelClass: real-looking kernel names across CUDA/cuDNN/cuBLAS/CUTLASS/Triton/NCCL generations
// map to the expected class, the launching op refines only generic names, and the compute-bound
// split that what-if cost models rely on holds.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "graph/kernel_class.h"

namespace {

using dd::KernelClass;

struct NameCase {
  std::string_view kernel;
  KernelClass expected;
};

struct OpCase {
  std::string_view kernel;
  std::string_view op;
  KernelClass expected;
};

std::string class_of(std::string_view kernel, std::string_view op = {}) {
  return std::string(dd::kernel_class_name(dd::classify_kernel(kernel, op)));
}

std::string name_of(KernelClass k) {
  return std::string(dd::kernel_class_name(k));
}

// Kernel names alone (no op), as they appear in the bundled and public traces (some parameter lists
// shortened).
constexpr NameCase kNameCases[] = {
    // --- gemm: cuBLAS (Maxwell..Hopper), cuBLASLt helpers, CUTLASS, MAGMA, rocBLAS, Triton.
    {"volta_sgemm_128x64_nn", KernelClass::kGemm},
    {"maxwell_sgemm_128x64_nt", KernelClass::kGemm},
    {"ampere_sgemm_128x64_tn", KernelClass::kGemm},
    {"volta_fp16_s884gemm_fp16_128x128_ldg8_f2f_tn", KernelClass::kGemm},
    {"ampere_fp16_s16816gemm_fp16_256x128_ldg8_f2f_stages_64x3_nn", KernelClass::kGemm},
    {"sm80_xmma_gemm_f32f32_f32f32_f32_nn_n_tilesize256x128x8_stage3_warpsize4x2x1_ffma_aligna4_"
     "alignc4_execute_kernel__5x_cublas",
     KernelClass::kGemm},
    {"sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_"
     "segment_k_off_kernel__5x_cublas",
     KernelClass::kGemm},
    {"nvjet_hsh_256x128_64x4_1x2_h_bz_coopA_NNT", KernelClass::kGemm},
    {"void cutlass::Kernel<cutlass_80_simt_sgemm_256x128_8x4_nn_align1>(cutlass_80_simt_sgemm_"
     "256x128_8x4_nn_align1::Params)",
     KernelClass::kGemm},
    {"void cutlass::Kernel2<cutlass_80_tensorop_s16816gemm_relu_f16_64x64_32x6_tn_align8>(cutlass_"
     "80_tensorop_s16816gemm_relu_f16_64x64_32x6_tn_align8::Params)",
     KernelClass::kGemm},
    {"void cutlass::device_kernel<cutlass::gemm::kernel::GemmUniversal<cute::tuple<int, int, int, "
     "int>, cutlass::gemm::collective::CollectiveMma<> > >(cutlass::gemm::kernel::Params)",
     KernelClass::kGemm},
    {"void gemv2T_kernel_val<int, int, float, float, float, float, 128, 16, 4, 4, false, false, "
     "cublasGemvParamsEx<int, cublasGemvTensorStridedBatched<float const>, "
     "cublasGemvTensorStridedBatched<float>, float> >(cublasGemvParamsEx<int>, float, float)",
     KernelClass::kGemm},
    {"void gemmSN_TN_kernel<float, 128, 16, 2, 4, 4, 4, true, "
     "cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float> >("
     "cublasGemmSmallNParams<float>)",
     KernelClass::kGemm},
    {"void splitKreduce_kernel<float, float, float, float, true, false, false>("
     "cublasSplitKParams<float>, float const*, float const*, float*, float const*, float*)",
     KernelClass::kGemm},
    {"void cublasLt::splitKreduce_kernel<32, 16, int, float, float, float, float, true, true, "
     "false>(cublasLt::cublasSplitKParams<float>, float const*, float*)",
     KernelClass::kGemm},
    {"void epilogue::impl::globalKernel<float, float, float, true, true>(int, int, long, float*, "
     "cublasLtEpilogue_t, int, float*, long)",
     KernelClass::kGemm},
    {"void magma_sgemmEx_kernel<float, float, float, true, false, 6, 4, 6, 3, 4>(int, int, int, "
     "Tensor, int, Tensor, int)",
     KernelClass::kGemm},
    {"Cijk_Ailk_Bljk_HHS_BH_MT128x128x32_MI32x32x8x1_SN_1LDSB0_APM1_ABV0", KernelClass::kGemm},
    {"triton_tem_fused_mm_0", KernelClass::kGemm},
    {"triton_tem_fused_addmm_relu_1", KernelClass::kGemm},
    {"triton_mm_4", KernelClass::kGemm},

    // --- convolution: cuDNN 7/8/9 (implicit GEMM, winograd, fft-free engines), CUTLASS, aten.
    {"sm80_xmma_fprop_implicit_gemm_tf32f32_tf32f32_f32_nhwckrsc_nchw_tilesize128x128x16_stage4_"
     "warpsize2x2x1_g1_tensor16x8x8_execute_kernel_cudnn_infer",
     KernelClass::kConvolution},
    {"sm90_xmma_dgrad_implicit_gemm_f32f32_tf32f32_f32_nhwckrsc_nhwc_tilesize128x256x32_"
     "cgasize2x1x1_warpgroupsize2x1x1_g1_execute_segment_k_off_kernel_cudnn_infer",
     KernelClass::kConvolution},
    {"sm90_xmma_wgrad_indexed_implicit_gemm_f32f32_tf32f32_f32_nhwckrsc_nhwc_tilesize128x128x32_"
     "warpgroupsize1x1x1_g1_execute_split_k_kernel_cudnn_train",
     KernelClass::kConvolution},
    {"void cudnn::detail::implicit_convolve_sgemm<float, float, 128, 5, 5, 3, 3, 3, 1, true, "
     "false, true>(int, int, int, float const*, int, float*, float const*, kernel_conv_params)",
     KernelClass::kConvolution},
    {"cudnn_infer_volta_scudnn_128x64_relu_medium_nn_v1", KernelClass::kConvolution},
    {"volta_scudnn_winograd_128x128_ldg1_ldg4_relu_tile148t_nt_v1", KernelClass::kConvolution},
    {"turing_fp16_s1688cudnn_fp16_128x128_sliced1x2_ldg8_relu_exp_interior_nhwc_tn_v1",
     KernelClass::kConvolution},
    {"void wgrad_alg0_engine<float, 128, 6, 7, 3, 3, 5, false, 512>(int, int, int, float const*, "
     "int, float*, float const*, kernel_grad_params, unsigned long long, int, float, int, int)",
     KernelClass::kConvolution},
    {"void cudnn::detail::dgrad_engine<float, 512, 6, 5, 3, 3, 3, false>(int, int, int, float "
     "const*, int, float const*, int, float*, kernel_grad_params)",
     KernelClass::kConvolution},
    {"void cudnn::winograd_nonfused::winogradForwardData4x4<float, float>(cudnn::winograd_"
     "nonfused::WinogradDataParams<float, float>)",
     KernelClass::kConvolution},
    {"void cudnn::cnn::reduce_wgrad_nchw_helper<float, float>(void*, void const*, float, int, int)",
     KernelClass::kConvolution},
    {"void cutlass_cudnn_train::Kernel<cutlass_tensorop_s1688wgrad_optimized_tf32_256x64_16x4_"
     "nhwc_align4>(cutlass_tensorop_s1688wgrad_optimized_tf32_256x64_16x4_nhwc_align4::Params)",
     KernelClass::kConvolution},
    {"void cask_cudnn_infer::computeOffsetsKernel<false, false>(cask_cudnn_infer::"
     "ComputeOffsetsParams)",
     KernelClass::kConvolution},
    {"void at::native::(anonymous namespace)::conv_depthwise2d_forward_kernel<1, float, int>(at::"
     "GenericPackedTensorAccessor<float const, 4ul>, int, int)",
     KernelClass::kConvolution},
    {"triton_tem_fused_convolution_0", KernelClass::kConvolution},

    // --- attention: FlashAttention 2/3, PyTorch mem-efficient (CUTLASS FMHA), cuDNN SDPA.
    {"void flash::flash_fwd_kernel<Flash_fwd_kernel_traits<128, 128, 64, 4, false, false, cutlass:"
     ":half_t, Flash_kernel_traits<128, 128, 64, 4, cutlass::half_t> >, false, true, false, "
     "false, true, true, false, false>(flash::Flash_fwd_params)",
     KernelClass::kAttention},
    {"void flash::flash_bwd_dq_dk_dv_loop_seqk_parallel_kernel<Flash_bwd_kernel_traits<64, 128, "
     "128, 8, 2, 4, 2, false, false, cutlass::bfloat16_t>, true, false, false, false, false, "
     "false>(flash::Flash_bwd_params)",
     KernelClass::kAttention},
    {"void flash::flash_bwd_convert_dq_kernel<Flash_bwd_kernel_traits<64, 128, 128, 8, 2, 4, 2, "
     "false, false, cutlass::half_t>, true>(flash::Flash_bwd_params)",
     KernelClass::kAttention},
    {"void cutlass::device_kernel<flash::enable_sm90_or_later<flash::FlashAttnFwdSm90<flash::"
     "CollectiveMainloopFwdSm90<2, cute::tuple<int, int, int> > > > >(flash::Params)",
     KernelClass::kAttention},
    {"fmha_cutlassF_f16_aligned_64x64_rf_sm80(PyTorchMemEffAttention::AttentionKernel<cutlass::"
     "half_t, cutlass::arch::Sm80, true, 64, 64, 64, true, true>::Params)",
     KernelClass::kAttention},
    {"fmha_cutlassB_bf16_aligned_128x64_k128_sm80(PyTorchMemEffAttention::"
     "AttentionBackwardKernel<cutlass::arch::Sm80, cutlass::bfloat16_t, true, false, true, 128, "
     "64, 128, false>::Params)",
     KernelClass::kAttention},
    {"void attention_kernel_batched_impl<AttentionKernel<cutlass::bfloat16_t, cutlass::arch::"
     "Sm80, true, 64, 64, 64, true, true> >(AttentionKernel<cutlass::bfloat16_t>::Params)",
     KernelClass::kAttention},
    {"cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_f16_knob_3_64x64x128_4x1x1_kernel0_0",
     KernelClass::kAttention},
    {"triton_tem_fused_flex_attention_0", KernelClass::kAttention},

    // --- optimizer: PyTorch foreach/fused, apex, LAMB, compiled optimizer.
    {"void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous "
     "namespace)::FusedOptimizerTensorListMetadata<4>, at::native::(anonymous namespace)::"
     "FusedAdamMathFunctor<float, 4, (at::native::ADAM_MODE)1, false>, double*, double, double>("
     "at::native::(anonymous namespace)::FusedOptimizerTensorListMetadata<4>)",
     KernelClass::kOptimizer},
    {"void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous "
     "namespace)::TensorListMetadata<2>, at::native::(anonymous namespace)::"
     "BinaryOpListAlphaFunctor<float, 2, 2, 0>, std::plus<float>, float>(at::native::(anonymous "
     "namespace)::TensorListMetadata<2>)",
     KernelClass::kOptimizer},
    {"void multi_tensor_apply_kernel<TensorListMetadata<4>, AdamFunctor<float>, float, float, "
     "float, float, float, float, adamMode_t, float>(long, int volatile*, TensorListMetadata<4>)",
     KernelClass::kOptimizer},
    {"void LAMBStage1Functor_kernel<float, float>(int, float const*, float*)",
     KernelClass::kOptimizer},
    {"void fused_sgd_kernel<float, float>(long, float*, float const*, float, float)",
     KernelClass::kOptimizer},
    {"triton_for_fused_0", KernelClass::kOptimizer},

    // --- normalization: cuDNN batch norm, aten batch/layer/group norm, apex/TE layer norm.
    {"void cudnn::bn_fw_tr_1C11_kernel_NCHW<float, float, int, 128, true, 1, true>("
     "cudnnTensorStruct, float const*, cudnnTensorStruct, float*)",
     KernelClass::kNormalization},
    {"void cudnn::bn_bw_1C11_kernel_new<float, float, float2, 128, true, 1>(float, float, float, "
     "float, cudnnTensorStruct, float const*)",
     KernelClass::kNormalization},
    {"void at::native::batch_norm_collect_statistics_kernel<at::native::InvStd, float, float, "
     "float, int>(at::GenericPackedTensorAccessor<float const, 3ul>, double)",
     KernelClass::kNormalization},
    {"void at::native::batch_norm_backward_reduce_kernel<float, float, float, int>(at::"
     "GenericPackedTensorAccessor<float const, 3ul>)",
     KernelClass::kNormalization},
    {"void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<c10::BFloat16, float>("
     "int, float, c10::BFloat16 const*, c10::BFloat16 const*, c10::BFloat16*, float*, float*)",
     KernelClass::kNormalization},
    {"void at::native::(anonymous namespace)::RowwiseMomentsCUDAKernel<float>(long, float, float "
     "const*, float*, float*)",
     KernelClass::kNormalization},
    {"void cuApplyLayerNorm<float, float, float>(float*, float*, float*, float const*, int, int)",
     KernelClass::kNormalization},
    {"void transformer_engine::layer_norm::ln_fwd_tuned_kernel<transformer_engine::layer_norm::"
     "Kernel_traits<__nv_bfloat16> >(transformer_engine::layer_norm::FwdParams)",
     KernelClass::kNormalization},
    {"triton_per_fused_native_layer_norm_0", KernelClass::kNormalization},

    // --- reduction: TensorIterator reductions, softmax, pooling, losses, Triton reductions.
    {"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::"
     "MeanOps<float, float, float, float>, unsigned int, float, 4> >(at::native::ReduceOp<float>)",
     KernelClass::kReduction},
    {"void (anonymous namespace)::softmax_warp_forward<float, float, float, 10, true, false>("
     "float*, float const*, int, int, int, bool const*, int, bool)",
     KernelClass::kReduction},
    {"void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, float, float, float, at::"
     "native::(anonymous namespace)::LogSoftMaxForwardEpilogue>(float*, float const*, int)",
     KernelClass::kReduction},
    {"void scaled_masked_softmax_warp_forward<c10::Half, c10::Half, float, 11>(c10::Half*, c10::"
     "Half const*, unsigned char const*, float, int, int, int, int)",
     KernelClass::kReduction},
    {"void at::native::(anonymous namespace)::max_pool_forward_nchw<float, float>(int, float "
     "const*, long, long, long, int, int, int)",
     KernelClass::kReduction},
    {"void at::native::(anonymous namespace)::avg_pool2d_out_cuda_frame<float, float>(int, float "
     "const*, long, long)",
     KernelClass::kReduction},
    {"void at::native::(anonymous namespace)::atomic_adaptive_average_gradinput<float>(float*, "
     "float const*, int, int, int, int)",
     KernelClass::kReduction},
    {"void at::native::(anonymous namespace)::nll_loss_forward_reduce_cuda_kernel_2d<float, "
     "float, long>(float*, float*, float const*, long const*, float const*, bool, long, long, "
     "long, long)",
     KernelClass::kReduction},
    {"triton_red_fused__log_softmax_0", KernelClass::kReduction},
    {"triton_per_fused_sum_1", KernelClass::kReduction},

    // --- elementwise: TensorIterator launchers, copies/layout transforms, gather/scatter.
    {"void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::"
     "detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, "
     "3>)",
     KernelClass::kElementwise},
    {"void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl<at::native::"
     "BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> > >(at::"
     "TensorIteratorBase&, at::native::BinaryFunctor<float> const&)::{lambda(int)#1}>(int, at::"
     "native::gpu_kernel_impl<at::native::BinaryFunctor<float> >::{lambda(int)#1})",
     KernelClass::kElementwise},
    {"void at::native::unrolled_elementwise_kernel<at::native::direct_copy_kernel_cuda(at::"
     "TensorIteratorBase&)::{lambda()#3}::operator()() const::{lambda(float)#1}, at::detail::"
     "Array<char*, 2>, 4, TrivialOffsetCalculator<1, unsigned int> >(int, at::detail::"
     "Array<char*, 2>)",
     KernelClass::kElementwise},
    {"void at::native::_scatter_gather_elementwise_kernel<128, 4, at::native::_cuda_scatter_"
     "gather_internal_kernel<true, float>::operator()<at::native::ReduceAdd>(at::TensorIterator&, "
     "long, long, long, at::native::ReduceAdd const&)::{lambda(int)#1}>(int, at::native::_cuda_"
     "scatter_gather_internal_kernel<true, float>)",
     KernelClass::kElementwise},
    {"void at::native::(anonymous namespace)::CatArrayBatchedCopy<float, unsigned int, 2, 128, 1>("
     "float*, at::native::(anonymous namespace)::CatArrInputTensorMetadata<float, unsigned int, "
     "128, 1>, at::native::(anonymous namespace)::TensorSizeStride<unsigned int, 4u>, int, "
     "unsigned int)",
     KernelClass::kElementwise},
    {"void cudnn::ops::nchwToNhwcKernel<float, float, float, false, true, (cudnnKernelDataType_"
     "t)0>(cudnn::ops::nchw2nhwc_params_t<float>, float const*, float*)",
     KernelClass::kElementwise},
    {"void at::native::(anonymous namespace)::indexSelectLargeIndex<float, long, unsigned int, 2, "
     "2, -2, true>(at::cuda::detail::TensorInfo<float, unsigned int>, long, long)",
     KernelClass::kElementwise},
    {"void at::native::(anonymous namespace)::embedding_backward_feature_kernel<float, float, "
     "long>(long const*, float const*, float*, int, long, int, int)",
     KernelClass::kElementwise},
    {"void at::native::(anonymous namespace)::fused_dropout_kernel_vec<float, float, unsigned "
     "int, 1, 4, bool>(at::cuda::detail::TensorInfo<float, unsigned int>, at::PhiloxCudaState)",
     KernelClass::kElementwise},
    {"void at::native::vectorized_elementwise_kernel<4, at::native::(anonymous namespace)::masked_"
     "fill_kernel(at::TensorIterator&, c10::Scalar const&)::{lambda()#1}::operator()() const::"
     "{lambda(float, bool)#1}, at::detail::Array<char*, 3> >(int)",
     KernelClass::kElementwise},
    // The launcher decides, not the op name a functor or lambda carries in its template arguments.
    {"void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl<at::native::batch_"
     "norm_elementwise(at::Tensor const&)::{lambda()#1}::operator()() const::{lambda(float, "
     "float, float, float, float)#1}>(at::TensorIteratorBase&)::{lambda(int)#1}>(int)",
     KernelClass::kElementwise},
    {"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::func_wrapper_"
     "t<float, at::native::batch_norm_update_stats_cuda(at::Tensor const&)::{lambda(float, "
     "float)#1}>, unsigned int, float, 4> >(at::native::ReduceOp<float>)",
     KernelClass::kReduction},
    {"triton_poi_fused_add_0", KernelClass::kElementwise},
    {"triton_poi_fused_convolution_relu_3", KernelClass::kElementwise},
    {"triton_poi_fused_addmm_gelu_view_2", KernelClass::kElementwise},

    // --- communication: NCCL 2.x kernel naming generations.
    {"ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)", KernelClass::kCommunication},
    {"ncclDevKernel_AllGather_RING_LL(ncclDevComm*, unsigned long, ncclWork*)",
     KernelClass::kCommunication},
    {"ncclKernel_SendRecv(ncclWorkElem)", KernelClass::kCommunication},
    {"ncclDevKernel_ReduceScatter_Sum_bf16_RING_LL(ncclDevComm*, unsigned long, ncclWork*)",
     KernelClass::kCommunication},

    // --- copy / memset activity names (Kineto and Nsight spellings).
    {"Memcpy HtoD (Pageable -> Device)", KernelClass::kCopy},
    {"Memcpy DtoD (Device -> Device)", KernelClass::kCopy},
    {"[CUDA memcpy Device-to-Host]", KernelClass::kCopy},
    {"Memset (Device)", KernelClass::kMemset},
    {"[CUDA memset]", KernelClass::kMemset},

    // --- other: nothing to go on.
    {"void cub::DeviceRadixSortOnesweepKernel<cub::DeviceRadixSortPolicy<long, long, int>::"
     "Policy800, false, long, long, int, int>(int*, int*, long*, long const*, long*, long const*, "
     "int, int)",
     KernelClass::kOther},
    {"my_custom_kernel", KernelClass::kOther},
    {"", KernelClass::kOther},
};

// Generic kernel names refined by the framework op that launched them, and specific names that the
// op must not override.
constexpr OpCase kOpCases[] = {
    // A generic GEMM engine under a convolution / attention op is that op.
    {"void cutlass::Kernel2<cutlass_80_tensorop_s16816gemm_f16_128x128_32x3_nn_align8>(Params)",
     "aten::convolution", KernelClass::kConvolution},
    {"void cutlass::Kernel2<cutlass_80_tensorop_s16816gemm_f16_128x128_32x3_nn_align8>(Params)",
     "aten::addmm", KernelClass::kGemm},
    {"volta_sgemm_64x64_nn", "aten::cudnn_convolution", KernelClass::kConvolution},
    {"volta_sgemm_32x128_tn", "aten::convolution_backward", KernelClass::kConvolution},
    {"volta_sgemm_64x32_sliced1x4_tn", "aten::linear", KernelClass::kGemm},
    {"ampere_fp16_s16816gemm_fp16_128x128_ldg8_f2f_stages_32x5_tn",
     "aten::scaled_dot_product_attention", KernelClass::kAttention},
    {"ampere_fp16_s16816gemm_fp16_128x128_ldg8_f2f_stages_32x5_tn",
     "aten::_efficient_attention_forward", KernelClass::kAttention},
    {"ampere_fp16_s16816gemm_fp16_128x128_ldg8_f2f_stages_32x5_tn", "aten::bmm",
     KernelClass::kGemm},
    {"triton_tem_fused_mm_0", "aten::_flash_attention_forward", KernelClass::kAttention},
    // Elementwise / reduction kernels inside optimizer steps and normalization ops.
    {"void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, at::"
     "detail::Array<char*, 1> >(int, at::native::FillFunctor<float>, at::detail::Array<char*, 1>)",
     "aten::_foreach_zero_", KernelClass::kOptimizer},
    {"void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<float, float, "
     "float, at::native::binary_internal::MulFunctor<float> >, at::detail::Array<char*, 3> >(int)",
     "Optimizer.step#AdamW.step", KernelClass::kOptimizer},
    {"void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<float, float, "
     "float, at::native::binary_internal::MulFunctor<float> >, at::detail::Array<char*, 3> >(int)",
     "aten::mul", KernelClass::kElementwise},
    {"triton_poi_fused_add_mul_0", "Optimizer.step#SGD.step", KernelClass::kOptimizer},
    {"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::"
     "WelfordOps<float, float, int, float, thrust::pair<float, float> >, unsigned int, float, 2> "
     ">(at::native::ReduceOp<float>)",
     "aten::native_batch_norm", KernelClass::kNormalization},
    {"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::"
     "WelfordOps<float, float, int, float, thrust::pair<float, float> >, unsigned int, float, 2> "
     ">(at::native::ReduceOp<float>)",
     "aten::var_mean", KernelClass::kReduction},
    {"void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl<at::native::batch_"
     "norm_elementwise(at::Tensor const&)::{lambda()#1}::operator()() const::{lambda(float, "
     "float, float, float, float)#1}>(at::TensorIteratorBase&)::{lambda(int)#1}>(int)",
     "aten::native_batch_norm", KernelClass::kNormalization},
    // ...but the op never moves a kernel between compute- and memory-bound.
    {"void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::"
     "detail::Array<char*, 3> >(int)",
     "aten::convolution", KernelClass::kElementwise},
    {"void cudnn::ops::nchwToNhwcKernel<float, float, float, false, true, (cudnnKernelDataType_"
     "t)0>(cudnn::ops::nchw2nhwc_params_t<float>, float const*, float*)",
     "aten::cudnn_convolution", KernelClass::kElementwise},
    {"volta_sgemm_128x64_nn", "aten::_foreach_add_", KernelClass::kGemm},
    {"void (anonymous namespace)::softmax_warp_forward<float, float, float, 10, true, false>("
     "float*)",
     "aten::scaled_dot_product_attention", KernelClass::kReduction},
    // Specific names win over any op.
    {"ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)", "aten::addmm",
     KernelClass::kCommunication},
    {"void cudnn::bn_fw_tr_1C11_kernel_NCHW<float, float, int, 128, true, 1, true>()",
     "aten::convolution", KernelClass::kNormalization},
    {"Memset (Device)", "aten::convolution_backward", KernelClass::kMemset},
    {"Memcpy DtoD (Device -> Device)", "aten::copy_", KernelClass::kCopy},
    {"Memcpy HtoD (Pageable -> Device)", "aten::addmm", KernelClass::kCopy},
    // Unrecognised kernels take the op's class, whatever it is.
    {"my_custom_kernel", "aten::addmm", KernelClass::kGemm},
    {"my_custom_kernel", "aten::mm.default", KernelClass::kGemm},
    {"my_custom_kernel", "autograd::engine::evaluate_function: AddmmBackward0", KernelClass::kGemm},
    {"my_custom_kernel", "aten::_convolution", KernelClass::kConvolution},
    {"my_custom_kernel", "aten::_scaled_dot_product_flash_attention", KernelClass::kAttention},
    {"my_custom_kernel", "nccl:all_reduce", KernelClass::kCommunication},
    {"my_custom_kernel", "c10d::allgather_", KernelClass::kCommunication},
    {"my_custom_kernel", "aten::native_layer_norm", KernelClass::kNormalization},
    {"my_custom_kernel", "aten::_fused_adam_", KernelClass::kOptimizer},
    {"my_custom_kernel", "aten::sum", KernelClass::kReduction},
    {"my_custom_kernel", "aten::_log_softmax", KernelClass::kReduction},
    {"my_custom_kernel", "aten::add_", KernelClass::kElementwise},
    {"my_custom_kernel", "aten::index_select", KernelClass::kElementwise},
    {"my_custom_kernel", "aten::some_new_op", KernelClass::kOther},
    {"", "aten::bmm", KernelClass::kGemm},
    {"triton__0d1d2d3de", "aten::convolution", KernelClass::kConvolution},
};

}  // namespace

TEST_CASE("kernel names map to their class across library generations", "[graph][kernel-class]") {
  STATIC_REQUIRE(sizeof(kNameCases) / sizeof(kNameCases[0]) >= 40);
  for (const NameCase& c : kNameCases) {
    INFO("kernel: " << c.kernel);
    CHECK(class_of(c.kernel) == name_of(c.expected));
  }
}

TEST_CASE("the launching op refines generic kernel names only", "[graph][kernel-class]") {
  for (const OpCase& c : kOpCases) {
    INFO("kernel: " << c.kernel << "\nop: " << c.op);
    CHECK(class_of(c.kernel, c.op) == name_of(c.expected));
  }
}

TEST_CASE("kernel classification ignores case", "[graph][kernel-class]") {
  CHECK(class_of("VOLTA_SGEMM_128X64_NN") == "gemm");
  CHECK(class_of("NCCLKERNEL_ALLREDUCE_RING_LL_SUM_FLOAT") == "communication");
  CHECK(class_of("memcpy htod (pageable -> device)") == "copy");
  CHECK(class_of("MEMSET (DEVICE)") == "memset");
  CHECK(class_of("Triton_Poi_Fused_Add_0") == "elementwise");
  CHECK(class_of("my_custom_kernel", "ATEN::CONVOLUTION") == "convolution");
  CHECK(class_of("volta_sgemm_64x64_nn", "Aten::Cudnn_Convolution") == "convolution");
}

TEST_CASE("keywords inside other words or parameter lists do not match", "[graph][kernel-class]") {
  // "lambda" is not LAMB, "hadamard" is not Adam.
  CHECK(
      class_of("void at::native::vectorized_elementwise_kernel<4, at::native::foo_kernel(at::"
               "TensorIteratorBase&)::{lambda()#1}::operator()() const::{lambda(float)#1}>(int)") ==
      "elementwise");
  CHECK(class_of("void fast_hadamard_transform_kernel<256, 8>(HadamardParamsBase)") == "other");
  CHECK(class_of("void at::native::(anonymous namespace)::histogram1d_kernel<float, long, 1, 2, "
                 "-1, (at::native::CUDAHistogramMemoryType)1, at::native::(anonymous namespace)::"
                 "_histc_cuda_template<float>(at::Tensor const&, long, float, float)::{lambda("
                 "float)#1}>(at::cuda::detail::TensorInfo<long, long>, long)") == "other");
  // Parameter types repeat template types and carry noise such as "kernel_conv_params".
  CHECK(class_of("void helper_kernel<float>(kernel_conv_params, cudnnTensorStruct)") == "other");
  // Template arguments such as cutlass::half_t do not make a kernel a GEMM.
  CHECK(class_of("void rotary_embedding_kernel<cutlass::half_t, 128>(cutlass::half_t*)") ==
        "elementwise");
  // Memcpy/memset are recognised only as activity names or explicit memcpy kernels.
  CHECK(class_of("void cub::DeviceBatchMemcpyKernel<long>(long*)") == "copy");
}

TEST_CASE("very long kernel names are matched on their leading part", "[graph][kernel-class]") {
  std::string name = "void cutlass::Kernel<cutlass_80_tensorop_s16816gemm_f16_64x64_nn_align8<";
  name.append(5000, 'x');
  name += ">(Params)";
  CHECK(class_of(name) == "gemm");

  // Keywords deep inside a long template argument list are still seen...
  std::string deep = "void helper<";
  deep.append(900, 'x');
  deep += "_softmax>(float*)";
  CHECK(class_of(deep) == "reduction");

  // ...but a keyword only past the matched prefix (well beyond any real name) is not.
  std::string padded = "void helper<";
  padded.append(5000, 'x');
  padded += "_softmax>";
  CHECK(class_of(padded) == "other");
}

TEST_CASE("class names are distinct and stable", "[graph][kernel-class]") {
  CHECK(dd::kernel_class_name(KernelClass::kGemm) == "gemm");
  CHECK(dd::kernel_class_name(KernelClass::kConvolution) == "convolution");
  CHECK(dd::kernel_class_name(KernelClass::kAttention) == "attention");
  CHECK(dd::kernel_class_name(KernelClass::kElementwise) == "elementwise");
  CHECK(dd::kernel_class_name(KernelClass::kReduction) == "reduction");
  CHECK(dd::kernel_class_name(KernelClass::kNormalization) == "normalization");
  CHECK(dd::kernel_class_name(KernelClass::kOptimizer) == "optimizer");
  CHECK(dd::kernel_class_name(KernelClass::kCommunication) == "communication");
  CHECK(dd::kernel_class_name(KernelClass::kCopy) == "copy");
  CHECK(dd::kernel_class_name(KernelClass::kMemset) == "memset");
  CHECK(dd::kernel_class_name(KernelClass::kOther) == "other");
}

TEST_CASE("only gemm, convolution and attention are compute-bound", "[graph][kernel-class]") {
  CHECK(dd::is_compute_bound(KernelClass::kGemm));
  CHECK(dd::is_compute_bound(KernelClass::kConvolution));
  CHECK(dd::is_compute_bound(KernelClass::kAttention));
  for (KernelClass k :
       {KernelClass::kElementwise, KernelClass::kReduction, KernelClass::kNormalization,
        KernelClass::kOptimizer, KernelClass::kCommunication, KernelClass::kCopy,
        KernelClass::kMemset, KernelClass::kOther}) {
    INFO(dd::kernel_class_name(k));
    CHECK_FALSE(dd::is_compute_bound(k));
  }
  CHECK(dd::is_compute_bound(dd::classify_kernel("volta_sgemm_128x64_nn")));
  CHECK_FALSE(dd::is_compute_bound(dd::classify_kernel("triton_poi_fused_convolution_relu_3")));
}
