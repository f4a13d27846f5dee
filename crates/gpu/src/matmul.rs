//! The tiled linear-layer kernel (`kernels/matmul.wgsl`): Y = act(X·Wᵀ + b).
//!
//! One pipeline per activation, specialised with the WGSL `override` constant `ACTIVATION`
//! and built once when the kernel is created; shapes travel in a uniform, so a new T never
//! rebuilds anything.

use crate::{GpuContext, GpuError};

/// The activation fused into the kernel's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// v
    Identity = 0,
    /// max(0, v)
    Relu = 1,
    /// ½v(1 + erf(v/√2))
    Gelu = 2,
}

/// The uniform the kernel reads (`struct Dims` in matmul.wgsl).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Dims {
    /// Rows of X and Y.
    pub m: u32,
    /// Columns of X, of W.
    pub k: u32,
    /// Rows of W, columns of Y.
    pub n: u32,
    /// 1 if b is added.
    pub has_bias: u32,
}

/// Side of a workgroup's output tile (`TILE` in matmul.wgsl).
pub const TILE: u32 = 16;

/// The compiled kernel: a bind-group layout and one pipeline per activation.
#[derive(Debug)]
pub struct MatmulKernel {
    layout: wgpu::BindGroupLayout,
    pipelines: [wgpu::ComputePipeline; 3],
}

fn entry(binding: u32, ty: wgpu::BufferBindingType) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

impl MatmulKernel {
    /// Compiles the shader and its three pipelines inside an error scope; a compile error is
    /// returned naming the kernel.
    pub async fn new(context: &GpuContext) -> Result<Self, GpuError> {
        let device = &context.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("matmul.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("kernels/matmul.wgsl").into()),
        });
        let storage = |read_only| wgpu::BufferBindingType::Storage { read_only };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("matmul"),
            entries: &[
                entry(0, wgpu::BufferBindingType::Uniform),
                entry(1, storage(true)),
                entry(2, storage(true)),
                entry(3, storage(true)),
                entry(4, storage(false)),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("matmul"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = |activation: Activation| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some("matmul"),
                layout: Some(&pipeline_layout),
                module: &module,
                entry_point: Some("main"),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants: &[("ACTIVATION", activation as u32 as f64)],
                    zero_initialize_workgroup_memory: false,
                },
                cache: None,
            })
        };
        let pipelines = [
            pipeline(Activation::Identity),
            pipeline(Activation::Relu),
            pipeline(Activation::Gelu),
        ];
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Kernel {
                kernel: "matmul.wgsl",
                message: error.to_string(),
            });
        }
        Ok(Self { layout, pipelines })
    }

    /// A bind group over the uniform and the four buffers.
    pub fn bind(
        &self,
        device: &wgpu::Device,
        dims: &wgpu::Buffer,
        x: &wgpu::Buffer,
        w: &wgpu::Buffer,
        b: &wgpu::Buffer,
        y: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        let entries: Vec<wgpu::BindGroupEntry<'_>> = [dims, x, w, b, y]
            .iter()
            .enumerate()
            .map(|(i, buffer)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: buffer.as_entire_binding(),
            })
            .collect();
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("matmul"),
            layout: &self.layout,
            entries: &entries,
        })
    }

    /// Records one dispatch covering an `m × n` output into a compute pass.
    pub fn dispatch(
        &self,
        pass: &mut wgpu::ComputePass<'_>,
        bind_group: &wgpu::BindGroup,
        activation: Activation,
        m: u32,
        n: u32,
    ) {
        pass.set_pipeline(&self.pipelines[activation as usize]);
        pass.set_bind_group(0, bind_group, &[]);
        pass.dispatch_workgroups(n.div_ceil(TILE), m.div_ceil(TILE), 1);
    }
}
