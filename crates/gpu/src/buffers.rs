//! Buffer creation shared by every engine: weights uploaded once, working buffers sized for a
//! model's maximum length, the mappable staging buffer of its one readback.

use wgpu::util::DeviceExt;

/// A read-only storage buffer holding `data` (weights, tables).
pub fn upload(device: &wgpu::Device, label: &str, data: &[f32]) -> wgpu::Buffer {
    upload_bytes(device, label, bytemuck::cast_slice(data))
}

/// A read-only storage buffer holding 32-bit words (packed f16 pairs, as `lstm.wgsl` reads).
pub fn upload_words(device: &wgpu::Device, label: &str, data: &[u32]) -> wgpu::Buffer {
    upload_bytes(device, label, bytemuck::cast_slice(data))
}

fn upload_bytes(device: &wgpu::Device, label: &str, contents: &[u8]) -> wgpu::Buffer {
    // Written once at creation (mapped), never again: weights need no COPY_DST, and a
    // buffer the driver knows is read-only can live where reads are fastest.
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents,
        usage: wgpu::BufferUsages::STORAGE,
    })
}

/// How many floats [`upload_streamed`] widens and writes at a time (4 MiB).
pub const UPLOAD_CHUNK_FLOATS: usize = 1 << 20;

/// A read-only storage buffer holding the tensor `name` of `store` (checked against `shape` as
/// the CPU loader checks it), written in pieces of at most [`UPLOAD_CHUNK_FLOATS`] through the
/// queue: neither the tensor's whole f32 copy nor a mapped-at-creation copy of it (which wgpu
/// keeps in the wasm heap in the browser) ever exists.
pub fn upload_streamed(
    context: &crate::GpuContext,
    name: &str,
    shape: &[usize],
    store: &attnscope_core::weights::WeightStore<'_>,
) -> Result<wgpu::Buffer, attnscope_core::ModelError> {
    let floats = shape.iter().product();
    let buffer = storage(&context.device, name, floats, wgpu::BufferUsages::COPY_DST);
    store.tensor_in_chunks(name, shape, UPLOAD_CHUNK_FLOATS, |at, piece| {
        if piece.is_empty() {
            return; // a zero-byte write is invalid; the buffer is zero-filled already
        }
        context
            .queue
            .write_buffer(&buffer, (at * 4) as u64, bytemuck::cast_slice(piece));
    })?;
    Ok(buffer)
}

/// A zero-initialised storage buffer of `floats` 32-bit words (at least one: bindings may not
/// be empty), with `extra` usages (`COPY_DST` to write it, `COPY_SRC` to read it back).
pub fn storage(
    device: &wgpu::Device,
    label: &str,
    floats: usize,
    extra: wgpu::BufferUsages,
) -> wgpu::Buffer {
    // WebGPU zero-fills new buffers, which the BiLSTM and the translator rely on for their
    // "no positional encoding" tables.
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: (floats.max(1) * 4) as u64,
        usage: wgpu::BufferUsages::STORAGE | extra,
        mapped_at_creation: false,
    })
}

/// A mappable buffer of `floats` words that readbacks copy into. WebGPU does not let a
/// storage buffer be mapped, so results are copied here inside the forward's submission.
pub fn staging(device: &wgpu::Device, label: &str, floats: usize) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: (floats.max(1) * 4) as u64,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}
