//! A lost device is reported to the caller as `GpuError::DeviceLost` (the app then falls back
//! to the CPU engine, keeping the user's text), never a panic: the device is destroyed for
//! real on Mesa's lavapipe, and the next forward must say so.
#![cfg(not(target_arch = "wasm32"))]

use attnscope_core::config::ModelConfig;
use attnscope_core::weights::WeightStore;
use attnscope_core::Interventions;
use attnscope_gpu::transformer::GpuTransformer;
use attnscope_gpu::{GpuContext, GpuError};
use attnscope_testkit::{random_tensors, reference_configs, to_safetensors};

#[test]
fn a_destroyed_device_is_reported_not_a_panic() {
    let context = pollster::block_on(GpuContext::request()).expect("a Vulkan device");
    let [ModelConfig::TransformerEncoderClassifier(config), ..] = reference_configs(64) else {
        unreachable!()
    };
    let model_config = ModelConfig::TransformerEncoderClassifier(config.clone());
    let bytes = to_safetensors(&random_tensors(&model_config, 3, 0.2));
    let store = WeightStore::parse(&bytes).unwrap();
    let gpu = pollster::block_on(GpuTransformer::load(&context, config, &store)).unwrap();
    let ids = [2, 5, 9, 3];
    let none = Interventions::default();
    assert!(pollster::block_on(gpu.forward(&ids, &none)).is_ok());
    assert_eq!(context.lost(), None);

    context.device.destroy();
    let reason = context.lost().expect("the device-lost callback ran");
    assert!(reason.contains("Destroyed"), "{reason}");
    match pollster::block_on(gpu.forward(&ids, &none)) {
        Err(GpuError::DeviceLost(message)) => assert_eq!(message, reason),
        other => panic!("expected DeviceLost, got {other:?}"),
    }
}
