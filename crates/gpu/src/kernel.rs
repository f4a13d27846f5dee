//! One compiled WGSL kernel: shader module, bind-group layout and one pipeline per variant of
//! its `override` constants, all created at load inside an error scope, never on a forward.

use crate::{GpuContext, GpuError};

/// What a binding of a kernel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `var<uniform>`.
    Uniform,
    /// `var<storage, read>`.
    Read,
    /// `var<storage, read_write>`.
    ReadWrite,
}

/// A kernel's WGSL file as its Rust module describes it: the source, the bindings in order
/// (binding 0 is always the `Params` uniform) and the uniform's fields, for the layout test.
#[derive(Debug, Clone, Copy)]
pub struct KernelSource {
    /// The .wgsl file's name (for messages and labels).
    pub file: &'static str,
    /// Its text.
    pub wgsl: &'static str,
    /// What each binding of group 0 is, from binding 0.
    pub bindings: &'static [Binding],
    /// The Rust `Params` mirror's fields: (name, byte offset).
    pub fields: &'static [(&'static str, usize)],
    /// The Rust `Params` mirror's size in bytes.
    pub size: usize,
}

impl KernelSource {
    /// Compiles the kernel, one pipeline per entry of `variants` (its `override` constants;
    /// none: one pipeline with the defaults).
    pub async fn compile(
        &self,
        context: &GpuContext,
        variants: &[&[(&str, f64)]],
    ) -> Result<Kernel, GpuError> {
        Kernel::new(context, self.file, self.wgsl, self.bindings, variants).await
    }
}

/// Declares a kernel module's `SOURCE`: its `.wgsl` beside it, its bindings and its `Params`.
/// `shared [...]` appends WGSL files several kernels use (activations, the decoder's end
/// flag) after the kernel's own text, so each is written once; WGSL declarations may come in
/// any order, and the kernel's own lines keep their numbers in compiler messages.
#[macro_export]
macro_rules! kernel_source {
    ($file:literal, [$($binding:ident),* $(,)?]) => {
        $crate::kernel_source!($file, shared [], [$($binding),*]);
    };
    ($file:literal, shared [$($shared:literal),* $(,)?], [$($binding:ident),* $(,)?]) => {
        /// This kernel's WGSL (with the shared files it uses), bindings and uniform layout.
        pub const SOURCE: $crate::kernel::KernelSource = $crate::kernel::KernelSource {
            file: $file,
            wgsl: concat!(include_str!($file) $(, "\n", include_str!($shared))*),
            bindings: &[$($crate::kernel::Binding::$binding),*],
            fields: <Params as $crate::uniform::Uniform>::FIELDS,
            size: std::mem::size_of::<Params>(),
        };
    };
}

/// The bind group layout of a kernel: group 0, bindings 0..n in the order the kernel module
/// lists them; binding 0 is always the `Params` uniform. Sizes are left to the bound buffers
/// (no min_binding_size), because buffers are sized for the model's maximum length.
fn bind_group_layout(
    device: &wgpu::Device,
    name: &'static str,
    bindings: &[Binding],
) -> wgpu::BindGroupLayout {
    let entries: Vec<wgpu::BindGroupLayoutEntry> = bindings
        .iter()
        .enumerate()
        .map(|(i, binding)| wgpu::BindGroupLayoutEntry {
            binding: i as u32,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: match binding {
                    Binding::Uniform => wgpu::BufferBindingType::Uniform,
                    Binding::Read => wgpu::BufferBindingType::Storage { read_only: true },
                    Binding::ReadWrite => wgpu::BufferBindingType::Storage { read_only: false },
                },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        })
        .collect();
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some(name),
        entries: &entries,
    })
}

/// A compiled kernel.
#[derive(Debug)]
pub struct Kernel {
    /// The .wgsl file, for messages.
    pub name: &'static str,
    layout: wgpu::BindGroupLayout,
    pipelines: Vec<wgpu::ComputePipeline>,
}

impl Kernel {
    /// Compiles `source` with bindings 0.. of `bindings` in group 0, one pipeline per entry
    /// of `variants` (override constants). A validation error names the kernel.
    pub async fn new(
        context: &GpuContext,
        name: &'static str,
        source: &'static str,
        bindings: &[Binding],
        variants: &[&[(&str, f64)]],
    ) -> Result<Self, GpuError> {
        let device = &context.device;
        // Everything is created inside one validation error scope, so a WGSL error or a
        // layout mismatch comes back as a typed `GpuError::Kernel` naming the file, instead
        // of wgpu's uncaptured-error handler (a panic natively, a console line in a browser).
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        // wgpu's default checks, less `force_loop_bounding`: natively naga gives every loop a
        // hidden iteration counter, which cost the Transformer's forward on the H200 half its
        // time (0.41–0.45 → 0.21–0.25 ms at T = 128; matrix products 24–28 → 5–11 µs each;
        // docs/perf.md). Bounds checks stay. In a browser the WGSL goes to the browser's own
        // compiler and this changes nothing.
        let checks = wgpu::ShaderRuntimeChecks {
            force_loop_bounding: false,
            ..wgpu::ShaderRuntimeChecks::checked()
        };
        // SAFETY: the contract is that no loop of the shader runs forever. Our kernels are
        // ours (compiled into the binary, never user text), and every loop is a `for` whose
        // counter moves a positive constant step toward a bound the engine sets from checked
        // sizes, or halves a positive stride to zero: `tests::every_kernel_loop_terminates`
        // reads every kernel and holds them to that shape.
        let module = unsafe {
            device.create_shader_module_trusted(
                wgpu::ShaderModuleDescriptor {
                    label: Some(name),
                    source: wgpu::ShaderSource::Wgsl(source.into()),
                },
                checks,
            )
        };
        let layout = bind_group_layout(device, name, bindings);
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(name),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        // One pipeline per variant of the `override` constants (matmul: one per activation;
        // the LSTM and decoder kernels: one, specialised to the model's sizes). Workgroup
        // memory is not zeroed: every kernel writes its shared arrays before reading them,
        // and zeroing costs a pass over them per dispatch on some backends.
        let no_constants: [&[(&str, f64)]; 1] = [&[]];
        let variants = if variants.is_empty() {
            &no_constants[..]
        } else {
            variants
        };
        let pipelines = variants
            .iter()
            .map(|constants| {
                device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(name),
                    layout: Some(&pipeline_layout),
                    module: &module,
                    entry_point: Some("main"),
                    compilation_options: wgpu::PipelineCompilationOptions {
                        constants,
                        zero_initialize_workgroup_memory: false,
                    },
                    cache: None,
                })
            })
            .collect();
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Kernel {
                kernel: name,
                message: error.to_string(),
            });
        }
        Ok(Self {
            name,
            layout,
            pipelines,
        })
    }

    /// A bind group: `uniform` (a step's slot of a uniform page) at 0, then `buffers` at 1,
    /// 2, … in order. Whole buffers are bound: a forward at a shorter T reads a prefix, the
    /// kernels bound their loops by T themselves.
    pub fn bind(
        &self,
        device: &wgpu::Device,
        uniform: wgpu::BufferBinding<'_>,
        buffers: &[&wgpu::Buffer],
    ) -> wgpu::BindGroup {
        let entries: Vec<wgpu::BindGroupEntry<'_>> =
            std::iter::once(wgpu::BindingResource::Buffer(uniform))
                .chain(buffers.iter().map(|b| b.as_entire_binding()))
                .enumerate()
                .map(|(i, resource)| wgpu::BindGroupEntry {
                    binding: i as u32,
                    resource,
                })
                .collect();
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(self.name),
            layout: &self.layout,
            entries: &entries,
        })
    }

    /// The pipeline of one variant.
    pub fn pipeline(&self, variant: usize) -> &wgpu::ComputePipeline {
        &self.pipelines[variant]
    }
}

/// `m` (rows × cols, row-major) transposed: kernels whose threads each compute one output row
/// read a weight matrix column-wise, so adjacent threads touch adjacent words.
/// (Done once at upload, on the CPU: the GPU then reads the layout it wants on every step.)
pub fn transpose(m: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0; m.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = m[r * cols + c];
        }
    }
    out
}

/// The rows of `m` (rows × cols) zero-padded to a multiple of 4 columns, for kernels that read
/// each row as vec4s.
/// The padding is zeros, so the extra lanes add nothing to any dot product.
pub fn pad_rows_to_vec4(m: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let padded = cols.div_ceil(4) * 4;
    let mut out = vec![0.0; rows * padded];
    for r in 0..rows {
        out[r * padded..r * padded + cols].copy_from_slice(&m[r * cols..(r + 1) * cols]);
    }
    out
}

/// The rows of `m` (rows × cols) cut into vec4s (the last zero-padded, as
/// [`pad_rows_to_vec4`]) and laid out column-major by vec4: vec4 q of row r lands at vec4
/// index q · rows + r. Kernels whose adjacent threads each walk one row then read adjacent
/// vec4s at every q — one coalesced load per warp instead of one per thread.
pub fn vec4_column_major(m: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let q_count = cols.div_ceil(4);
    let mut out = vec![0.0; rows * q_count * 4];
    for r in 0..rows {
        for c in 0..cols {
            out[((c / 4) * rows + r) * 4 + c % 4] = m[r * cols + c];
        }
    }
    out
}

/// Workgroups for `count` threads in groups of `size`, folded into 2-D past 65,535 groups
/// (kernels compute their index as (y·65535 + x)·size + local).
pub fn groups_1d(count: u32, size: u32) -> [u32; 3] {
    let groups = count.div_ceil(size);
    if groups <= 65_535 {
        [groups, 1, 1]
    } else {
        [65_535, groups.div_ceil(65_535), 1]
    }
}

#[cfg(test)]
mod tests {
    use super::{groups_1d, pad_rows_to_vec4, transpose, vec4_column_major};

    /// The shape `Kernel::new`'s `unsafe` relies on: no `loop` or `while`, and every `for`
    /// either steps its counter up by a positive constant (a literal, or a constant or
    /// override the kernel declares positive) or halves a stride while it is above zero.
    #[test]
    fn every_kernel_loop_terminates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kernels");
        let mut loops = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "wgsl") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let code: String = source
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            let words = |w: &str| {
                code.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|x| x == w)
            };
            assert!(
                !words("loop") && !words("while"),
                "{path:?}: a loop or while"
            );
            for header in code.split("for (").skip(1) {
                // Up to the `)` that closes `for (`.
                let mut depth = 1;
                let end = header
                    .find(|c| {
                        depth += match c {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .unwrap();
                let header = &header[..end];
                let parts: Vec<&str> = header.split(';').map(str::trim).collect();
                let counter = parts[0]
                    .trim_start_matches("var ")
                    .split('=')
                    .next()
                    .unwrap()
                    .trim();
                let update = parts[2];
                let halves = update == format!("{counter} = {counter} / 2u")
                    && parts[1] == format!("{counter} > 0u");
                let step = update
                    .strip_prefix(&format!("{counter} = {counter} + "))
                    .unwrap_or_else(|| {
                        assert!(
                            halves,
                            "{path:?}: `for ({header})` neither steps up nor halves"
                        );
                        ""
                    });
                if !halves {
                    let positive_constant = step
                        .strip_suffix('u')
                        .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0))
                        || declared_positive(&code, step);
                    assert!(
                        positive_constant,
                        "{path:?}: `for ({header})` steps by {step}"
                    );
                }
                loops += 1;
            }
        }
        assert!(loops > 40, "only {loops} loops found");
    }

    /// Whether `name` is a `const`, `override` or `let` of the kernel whose value is a positive
    /// literal, `max(…, a positive literal)`, or another such name.
    fn declared_positive(code: &str, name: &str) -> bool {
        ["const ", "override ", "let "].iter().any(|kind| {
            code.split(&format!("{kind}{name}")).skip(1).any(|rest| {
                let value = rest.split(';').next().unwrap_or("");
                let value = value.rsplit('=').next().unwrap_or("").trim();
                let literal = |v: &str| {
                    v.trim()
                        .strip_suffix('u')
                        .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0))
                };
                let floor = value
                    .strip_prefix("max(")
                    .and_then(|v| v.strip_suffix(')'))
                    .and_then(|v| v.rsplit(',').next());
                literal(value)
                    || floor.is_some_and(literal)
                    || (value != name && declared_positive(code, value))
            })
        })
    }

    #[test]
    fn rows_pad_to_whole_vec4s() {
        assert_eq!(
            pad_rows_to_vec4(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3),
            [1.0, 2.0, 3.0, 0.0, 4.0, 5.0, 6.0, 0.0]
        );
    }

    #[test]
    fn vec4_columns_interleave_rows() {
        // Two rows of six: row 0 = 1..=6, row 1 = 11..=16; two vec4s per row, the second
        // padded with zeros.
        let m: Vec<f32> = (1..=6).chain(11..=16).map(|v| v as f32).collect();
        assert_eq!(
            vec4_column_major(&m, 2, 6),
            [
                1.0, 2.0, 3.0, 4.0, 11.0, 12.0, 13.0, 14.0, // q = 0: row 0, row 1
                5.0, 6.0, 0.0, 0.0, 15.0, 16.0, 0.0, 0.0, // q = 1
            ]
        );
    }

    #[test]
    fn transpose_swaps_rows_and_columns() {
        assert_eq!(
            transpose(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3),
            [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
        );
        assert!(transpose(&[], 0, 5).is_empty());
    }

    #[test]
    fn large_dispatches_fold_into_two_dimensions() {
        assert_eq!(groups_1d(0, 256), [0, 1, 1]);
        assert_eq!(groups_1d(256 * 65_535, 256), [65_535, 1, 1]);
        assert_eq!(groups_1d(256 * 65_536, 256), [65_535, 2, 1]);
    }
}
