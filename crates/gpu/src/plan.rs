//! A forward planned at load: a list of steps (pipeline, bind group, uniform buffer, and a
//! plan that turns T and a scale into the uniform's words and the workgroup counts). A forward
//! writes every uniform, then records every step into one compute pass — nothing is compiled
//! or allocated per forward.

use crate::kernel::{groups_1d, Kernel};
use crate::readback::read_f32;
use crate::{GpuContext, GpuError};

/// A step's uniform words and workgroups, from T and a per-forward scale (the Transformer's
/// 1/(√d_k·temperature), the BiLSTM's 1/temperature).
pub type Plan = Box<dyn Fn(u32, f32) -> ([u32; 8], [u32; 3])>;

/// One dispatch of a planned forward.
struct Step {
    pipeline: wgpu::ComputePipeline,
    bind: wgpu::BindGroup,
    uniform: wgpu::Buffer,
    plan: Plan,
}

/// The steps of a forward, in order.
#[derive(Default)]
pub struct Steps {
    steps: Vec<Step>,
}

/// Bytes of every step's uniform: eight 32-bit words, as each kernel's `Params` struct.
pub const UNIFORM_BYTES: u64 = 32;

impl Steps {
    /// Appends a dispatch of `kernel`'s pipeline `variant` over `buffers` (bound after the
    /// step's own uniform, which is binding 0).
    pub fn push(
        &mut self,
        device: &wgpu::Device,
        kernel: &Kernel,
        variant: usize,
        buffers: &[&wgpu::Buffer],
        plan: Plan,
    ) {
        let uniform = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(kernel.name),
            size: UNIFORM_BYTES,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut all = vec![&uniform];
        all.extend_from_slice(buffers);
        let bind = kernel.bind(device, &all);
        self.steps.push(Step {
            pipeline: kernel.pipeline(variant).clone(),
            bind,
            uniform,
            plan,
        });
    }

    /// How many dispatches a forward records.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether nothing is planned.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Writes every step's uniform for this T and scale.
    pub fn write_uniforms(&self, queue: &wgpu::Queue, t: u32, scale: f32) {
        for step in &self.steps {
            let (words, _) = (step.plan)(t, scale);
            queue.write_buffer(&step.uniform, 0, bytemuck::cast_slice(&words));
        }
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
            let (_, [x, y, z]) = (step.plan)(t, scale);
            pass.set_pipeline(&step.pipeline);
            pass.set_bind_group(0, &step.bind, &[]);
            pass.dispatch_workgroups(x, y, z);
        }
    }
}

/// The plan of `embed.wgsl` over T tokens of `width` values, embeddings times `scale`.
pub fn embed(width: usize, scale: f32) -> Plan {
    let w = width as u32;
    Box::new(move |t, _| {
        (
            [t, w, f32_bits(scale), 0, 0, 0, 0, 0],
            groups_1d(t * w, 256),
        )
    })
}

/// The bits of an f32, for a uniform word.
pub fn f32_bits(v: f32) -> u32 {
    v.to_bits()
}

/// A region of a buffer to read back: `floats` words from word `offset`.
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
