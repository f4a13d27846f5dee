//! A forward planned at load: a list of steps (pipeline, bind group, a uniform slot, and a
//! plan that turns T and a scale into the kernel's `Params` and the workgroup counts). A
//! forward writes every uniform in one write per page of slots, then records every step into
//! one compute pass — nothing is compiled or allocated on the GPU per forward. The kernels'
//! own `plan` functions (in `kernels/`) make the [`Plan`]s; the engines only put them in order.

use crate::kernel::Kernel;
use crate::readback::read_f32;
use crate::uniform::{Uniform, Words, UNIFORM_BYTES as UNIFORM_SIZE};
use crate::{GpuContext, GpuError};

/// What one step dispatches for a given T: its uniform's words and its workgroup counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dispatch {
    /// The kernel's `Params`, as words.
    pub uniform: Words,
    /// Workgroups in x, y, z.
    pub groups: [u32; 3],
}

impl Dispatch {
    /// A dispatch of `groups` workgroups reading `params`.
    pub fn new(params: impl Uniform, groups: [u32; 3]) -> Self {
        Self {
            uniform: params.words(),
            groups,
        }
    }
}

/// A step's dispatch from T and a per-forward scale (the Transformer's 1/(√d_k·temperature),
/// the BiLSTM's and the translator's 1/temperature).
pub type Plan = Box<dyn Fn(u32, f32) -> Dispatch>;

/// One dispatch of a planned forward. Its uniform is slot `i % SLOTS_PER_PAGE` of page
/// `i / SLOTS_PER_PAGE`, i being its place in the forward.
struct Step {
    /// The kernel's .wgsl file (for profiles).
    kernel: &'static str,
    pipeline: wgpu::ComputePipeline,
    bind: wgpu::BindGroup,
    plan: Plan,
}

/// The steps of a forward, in order, and the uniform pages their slots live in.
#[derive(Default)]
pub struct Steps {
    steps: Vec<Step>,
    pages: Vec<wgpu::Buffer>,
}

/// Bytes of every step's uniform: eight 32-bit words, room for any kernel's `Params`.
pub const UNIFORM_BYTES: u64 = UNIFORM_SIZE as u64;

/// Distance between two steps' uniforms in a page: 256 bytes, the largest
/// `minUniformBufferOffsetAlignment` WebGPU allows, so every adapter accepts the offsets.
const UNIFORM_STRIDE: u64 = 256;

/// Uniform slots per page (16 KB). A forward writes each page once: one `write_buffer`
/// for a classifier's whole forward where there was one per step (20 writes took 60 µs of
/// the Transformer's forward call on the H200 machine; in a browser each is a message to
/// the GPU process).
const SLOTS_PER_PAGE: usize = 64;

impl Steps {
    /// Appends a dispatch of `kernel`'s pipeline `variant` over `buffers` (bound after the
    /// step's own uniform, which is binding 0).
    /// Each step gets its own uniform slot (T changes per forward, but the other fields
    /// differ per step, e.g. the layer of an attention dispatch), and its bind group is
    /// built here once, so recording a forward only sets pipelines and bind groups.
    pub fn push(
        &mut self,
        device: &wgpu::Device,
        kernel: &Kernel,
        variant: usize,
        buffers: &[&wgpu::Buffer],
        plan: Plan,
    ) {
        let slot = self.steps.len() % SLOTS_PER_PAGE;
        if slot == 0 {
            self.pages
                .push(device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("uniforms"),
                    size: SLOTS_PER_PAGE as u64 * UNIFORM_STRIDE,
                    usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                }));
        }
        let page = self
            .pages
            .last()
            .expect("a page was just made if none had room");
        let uniform = wgpu::BufferBinding {
            buffer: page,
            offset: slot as u64 * UNIFORM_STRIDE,
            size: wgpu::BufferSize::new(UNIFORM_BYTES),
        };
        let bind = kernel.bind(device, uniform, buffers);
        self.steps.push(Step {
            kernel: kernel.name,
            pipeline: kernel.pipeline(variant).clone(),
            bind,
            plan,
        });
    }

    /// Each step's kernel (its .wgsl file), in order.
    pub fn kernels(&self) -> Vec<&'static str> {
        self.steps.iter().map(|step| step.kernel).collect()
    }

    /// How many dispatches a forward records.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether nothing is planned.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Writes every step's uniform for this T and scale: one write per page of slots.
    pub fn write_uniforms(&self, queue: &wgpu::Queue, t: u32, scale: f32) {
        for (page, steps) in self.pages.iter().zip(self.steps.chunks(SLOTS_PER_PAGE)) {
            let mut bytes = vec![0u8; steps.len() * UNIFORM_STRIDE as usize];
            for (slot, step) in bytes.chunks_mut(UNIFORM_STRIDE as usize).zip(steps) {
                let words = (step.plan)(t, scale).uniform;
                slot[..UNIFORM_SIZE].copy_from_slice(bytemuck::cast_slice(&words));
            }
            queue.write_buffer(page, 0, &bytes);
        }
    }

    /// What each step adds to a forward's wall time, in order, with its kernel's file: for
    /// every k the first k steps are recorded into one pass, submitted and waited for
    /// (`repeats` times, the median kept), and step k is charged the difference from k − 1.
    /// Also returns the k = 0 time, the floor (an empty pass). The uniforms and inputs are the
    /// last forward's (run one first, at the T profiled). Native only: it blocks on the device.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn profile(
        &self,
        context: &GpuContext,
        t: u32,
        repeats: usize,
    ) -> (f64, Vec<(&'static str, f64)>) {
        let prefix_ms = |k: usize| {
            let mut times: Vec<f64> = (0..repeats.max(1))
                .map(|_| {
                    let started = std::time::Instant::now();
                    let mut encoder = context
                        .device
                        .create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
                    self.record_range(&mut encoder, "profile", 0..k, t, 1.0);
                    context.queue.submit([encoder.finish()]);
                    let _ = context.device.poll(wgpu::PollType::wait_indefinitely());
                    started.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            times.sort_by(f64::total_cmp);
            times[times.len() / 2]
        };
        let cumulative: Vec<f64> = (0..=self.steps.len()).map(prefix_ms).collect();
        let added = self
            .kernels()
            .into_iter()
            .zip(cumulative.windows(2))
            .map(|(kernel, pair)| (kernel, pair[1] - pair[0]))
            .collect();
        (cumulative[0], added)
    }

    /// Records every step into one compute pass of `encoder`.
    pub fn record(&self, encoder: &mut wgpu::CommandEncoder, label: &str, t: u32, scale: f32) {
        self.record_range(encoder, label, 0..self.steps.len(), t, scale);
    }

    /// Records the steps in `range` into one compute pass of `encoder`.
    pub fn record_range(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        label: &str,
        range: std::ops::Range<usize>,
        t: u32,
        scale: f32,
    ) {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some(label),
            timestamp_writes: None,
        });
        for step in &self.steps[range] {
            let [x, y, z] = (step.plan)(t, scale).groups;
            pass.set_pipeline(&step.pipeline);
            pass.set_bind_group(0, &step.bind, &[]);
            pass.dispatch_workgroups(x, y, z);
        }
    }
}

/// A region of a buffer to read back: `floats` words from word `offset`.
#[derive(Clone, Copy)]
pub struct Region<'a> {
    /// The buffer (with `COPY_SRC`).
    pub buffer: &'a wgpu::Buffer,
    /// The first word.
    pub offset: usize,
    /// How many words.
    pub floats: usize,
}

impl<'a> Region<'a> {
    /// `floats` words of `buffer` from word `offset`.
    pub fn new(buffer: &'a wgpu::Buffer, offset: usize, floats: usize) -> Self {
        Self {
            buffer,
            offset,
            floats,
        }
    }
}

/// Copies `regions`, one after another, into `staging` at the end of `encoder`, submits it
/// (the forward's one submit) and awaits the values. A failed readback on a lost device is
/// reported as the loss.
pub async fn submit_and_read(
    context: &GpuContext,
    mut encoder: wgpu::CommandEncoder,
    regions: &[Region<'_>],
    staging: &wgpu::Buffer,
) -> Result<Vec<f32>, GpuError> {
    // The regions are packed one after another into the staging buffer and the copies are
    // recorded into the forward's own encoder, so results travel in the same submission as
    // the compute: one submit, one map, however many buffers are read.
    let mut at = 0;
    for region in regions {
        encoder.copy_buffer_to_buffer(
            region.buffer,
            (region.offset * 4) as u64,
            staging,
            (at * 4) as u64,
            (region.floats * 4) as u64,
        );
        at += region.floats;
    }
    context.submit(encoder.finish());
    read_f32(&context.device, staging, at)
        .await
        .map_err(|e| context.lost().map_or(e, GpuError::DeviceLost))
}

/// What every loaded engine holds whatever its architecture: the context it was loaded on
/// and its forward, planned once at load time.
pub struct Planned {
    /// The device, queue and loss flag the engine's buffers live on.
    pub context: GpuContext,
    /// Every dispatch of one forward, in order, with its bind group and uniform slot.
    pub steps: Steps,
}

/// The accessors every engine (and [`crate::Network`]) shares, written once over its
/// [`Planned`] forward.
pub trait Loaded {
    /// The engine's context and planned forward.
    fn planned(&self) -> &Planned;

    /// The context the engine was loaded on.
    fn context(&self) -> &GpuContext {
        &self.planned().context
    }

    /// How many dispatches one forward records (all in one compute pass).
    fn dispatches(&self) -> usize {
        self.planned().steps.len()
    }
}
