//! The long-lived GPU context: adapter, device and queue, requested once.

use thiserror::Error;

/// Why the GPU engine cannot run here. The message is shown to the user next to the
/// CPU fallback, so it says what is missing in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GpuUnavailable {
    /// The browser does not expose `navigator.gpu` at all.
    #[error("this browser does not expose WebGPU (navigator.gpu is missing)")]
    NoWebGpuApi,
    /// WebGPU exists but the browser granted no adapter (blocklisted or disabled GPU, or a
    /// browser flag); wgpu's own wording lists backends, which says nothing to a reader.
    #[error("the browser granted no GPU adapter")]
    NoAdapter,
    /// The adapter is below the limits attnscope needs; names the first failing limit.
    #[error("the GPU's {limit} is {available}, attnscope needs {required}")]
    LimitTooLow {
        /// The WebGPU name of the limit.
        limit: &'static str,
        /// What attnscope asks for.
        required: u64,
        /// What the adapter offers.
        available: u64,
    },
    /// The device request itself failed.
    #[error("the GPU device could not be created ({0})")]
    Device(String),
    /// The device was lost while the page was open (driver reset, GPU process crash).
    #[error("the GPU device was lost ({0})")]
    Lost(String),
    /// The page asked for the CPU engine (an embed's `engine="cpu"`).
    #[error("the page asked for the CPU engine")]
    NotRequested,
    /// `engine=auto` passed over a software adapter (SwiftShader, lavapipe): a CPU emulation
    /// of a GPU is slower than the CPU engine itself.
    #[error("the only GPU adapter is a software emulation ({0}), slower than the CPU engine")]
    SoftwareAdapter(String),
}

/// What the status chip and the performance readout say about the adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterSummary {
    /// The adapter's description, or a generic label when the browser hides it.
    pub name: String,
    /// The wgpu backend in use ("BrowserWebGpu" in the browser, "Vulkan" natively).
    pub backend: String,
    /// Whether it is a software (fallback/CPU) adapter, such as SwiftShader or lavapipe.
    pub software: bool,
}

impl AdapterSummary {
    /// The summary of wgpu's adapter info. A software adapter (SwiftShader in Chromium,
    /// lavapipe natively) is flagged, because the page should say that it is not a real GPU.
    fn from_info(info: &wgpu::AdapterInfo) -> Self {
        let software = info.device_type == wgpu::DeviceType::Cpu;
        let name = match info.name.trim() {
            "" if software => "software adapter".to_owned(),
            "" => "GPU adapter".to_owned(),
            name => name.to_owned(),
        };
        Self {
            name,
            backend: format!("{:?}", info.backend),
            software,
        }
    }
}

/// One adapter, device and queue for the life of the page (or of a test).
#[derive(Debug, Clone)]
pub struct GpuContext {
    /// The device every kernel is created on.
    pub device: wgpu::Device,
    /// The queue every forward is submitted to.
    pub queue: wgpu::Queue,
    /// The limits the device was created with (only what the adapter has).
    pub limits: wgpu::Limits,
    /// A description of the adapter for the UI.
    pub adapter: AdapterSummary,
    /// Set by wgpu's device-lost callback: why the device was lost.
    lost: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// How many command buffers the engines have submitted (see [`GpuContext::submit`]).
    submits: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The limits attnscope asks for: WebGPU's downlevel defaults, which every conformant
/// adapter offers. Later kernels check their needs against [`GpuContext::limits`].
pub fn required_limits() -> wgpu::Limits {
    wgpu::Limits::downlevel_defaults()
}

impl GpuContext {
    /// Requests an adapter and a device with [`required_limits`].
    ///
    /// Never blocks: in the browser this awaits WebGPU's promises.
    pub async fn request() -> Result<Self, GpuUnavailable> {
        // Without `navigator.gpu` wgpu would fail with a generic adapter error; checking first
        // lets the status chip say what is actually missing.
        #[cfg(target_arch = "wasm32")]
        if !browser_exposes_webgpu() {
            return Err(GpuUnavailable::NoWebGpuApi);
        }
        let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle();
        // One backend per target: WebGPU in the browser (no WebGL fallback: its compute is
        // too limited for these kernels, and leaving it out keeps naga out of the wasm);
        // Vulkan natively, which is lavapipe in CI and the NVIDIA driver on the GPU machine.
        descriptor.backends = if cfg!(target_arch = "wasm32") {
            wgpu::Backends::BROWSER_WEBGPU
        } else {
            wgpu::Backends::VULKAN
        };
        let instance = wgpu::Instance::new(descriptor);
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|_| GpuUnavailable::NoAdapter)?;
        Self::from_adapter(&adapter).await
    }

    /// Creates the device on a given adapter, asking only for limits it has.
    pub async fn from_adapter(adapter: &wgpu::Adapter) -> Result<Self, GpuUnavailable> {
        // Ask only for what every conformant adapter has; refuse, naming the first limit,
        // an adapter below even that (rather than failing later inside a kernel).
        let available = adapter.limits();
        let required = required_limits();
        let mut first_failure = None;
        required.check_limits_with_fail_fn(&available, false, |limit, required, available| {
            first_failure.get_or_insert(GpuUnavailable::LimitTooLow {
                limit,
                required,
                available,
            });
        });
        if let Some(failure) = first_failure {
            return Err(failure);
        }
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("attnscope"),
                required_limits: required.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuUnavailable::Device(e.to_string()))?;
        // Browsers often hide the adapter's name from wgpu's info; ask `GPUAdapterInfo` for
        // vendor and architecture so the chip can say "google swiftshader" and not "GPU".
        #[allow(unused_mut)]
        let mut summary = AdapterSummary::from_info(&adapter.get_info());
        #[cfg(target_arch = "wasm32")]
        if adapter.get_info().name.trim().is_empty() {
            if let Some(name) = browser_adapter_name().await {
                summary.name = name;
            }
        }
        // wgpu reports a lost device through this callback only; the reason is kept where
        // every forward checks it first (`check_not_lost`), so a lost device turns into one
        // typed error and the page's switch to the CPU, never a panic or a hang.
        let lost = std::sync::Arc::new(std::sync::Mutex::new(None));
        let slot = lost.clone();
        device.set_device_lost_callback(move |reason, message| {
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(format!("{reason:?}: {message}"));
            }
        });
        Ok(Self {
            device,
            queue,
            limits: required,
            adapter: summary,
            lost,
            submits: Default::default(),
        })
    }

    /// Submits one command buffer to the queue and counts it: every engine submits through
    /// here, so tests and benchmarks can check that a forward is one submit.
    pub fn submit(&self, commands: wgpu::CommandBuffer) {
        self.submits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.queue.submit([commands]);
    }

    /// How many command buffers [`GpuContext::submit`] has submitted so far.
    pub fn submits(&self) -> u64 {
        self.submits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Why the device was lost, once it has been: every forward checks this first and
    /// answers [`crate::GpuError::DeviceLost`] instead of touching a dead device.
    pub fn lost(&self) -> Option<String> {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.device.poll(wgpu::PollType::Poll); // runs pending callbacks natively
        self.lost.lock().ok().and_then(|slot| slot.clone())
    }

    /// `Err(DeviceLost)` once the device is lost: the first line of every forward.
    pub fn check_not_lost(&self) -> Result<(), crate::GpuError> {
        match self.lost() {
            Some(reason) => Err(crate::GpuError::DeviceLost(reason)),
            None => Ok(()),
        }
    }

    /// A new command encoder labelled `label` (a forward records all its steps into one).
    pub fn encoder(&self, label: &str) -> wgpu::CommandEncoder {
        self.device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) })
    }
}

/// "vendor architecture" from the browser's `GPUAdapterInfo`, which wgpu does not copy
/// (it keeps only `description`, empty on e.g. SwiftShader).
#[cfg(target_arch = "wasm32")]
async fn browser_adapter_name() -> Option<String> {
    use wasm_bindgen::{JsCast, JsValue};
    let get =
        |object: &JsValue, key: &str| js_sys::Reflect::get(object, &JsValue::from_str(key)).ok();
    // Through `Reflect`, not web-sys bindings: the GPU types are unstable in web-sys and
    // would need a cfg flag in every build. A second adapter request is cheap and returns
    // the same adapter's info.
    let gpu = get(&web_sys::window()?.navigator().into(), "gpu")?;
    let request = get(&gpu, "requestAdapter")?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let promise = request
        .call0(&gpu)
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = get(&adapter, "info")?;
    // e.g. "google swiftshader" for Chromium's software adapter, "nvidia hopper" for an H200.
    let words: Vec<String> = ["vendor", "architecture"]
        .iter()
        .filter_map(|key| get(&info, key)?.as_string())
        .filter(|word| !word.is_empty())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(target_arch = "wasm32")]
fn browser_exposes_webgpu() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let gpu = js_sys::Reflect::get(&window.navigator(), &wasm_bindgen::JsValue::from_str("gpu"));
    matches!(gpu, Ok(value) if !value.is_undefined() && !value.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_hidden_adapters_by_kind() {
        let mut info = wgpu::AdapterInfo {
            name: String::new(),
            vendor: 0,
            device: 0,
            device_type: wgpu::DeviceType::Cpu,
            device_pci_bus_id: String::new(),
            driver: String::new(),
            driver_info: String::new(),
            backend: wgpu::Backend::BrowserWebGpu,
            subgroup_min_size: 0,
            subgroup_max_size: 0,
            transient_saves_memory: None,
            limit_bucket: None,
        };
        assert_eq!(AdapterSummary::from_info(&info).name, "software adapter");
        assert!(AdapterSummary::from_info(&info).software);
        info.name = "NVIDIA H100".into();
        info.device_type = wgpu::DeviceType::DiscreteGpu;
        let summary = AdapterSummary::from_info(&info);
        assert_eq!(
            (summary.name.as_str(), summary.software),
            ("NVIDIA H100", false)
        );
    }

    /// A real device: Mesa's lavapipe in CI, any Vulkan GPU elsewhere.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_native_vulkan_device_is_granted() {
        let context = pollster::block_on(GpuContext::request())
            .expect("a Vulkan adapter (install mesa-vulkan-drivers)");
        assert!(context.limits.max_storage_buffers_per_shader_stage >= 4);
        assert_eq!(context.adapter.backend, "Vulkan");
    }

    #[test]
    fn limit_failures_are_named() {
        let message = GpuUnavailable::LimitTooLow {
            limit: "max_storage_buffers_per_shader_stage",
            required: 4,
            available: 0,
        }
        .to_string();
        assert!(
            message.contains("max_storage_buffers_per_shader_stage"),
            "{message}"
        );
    }
}
