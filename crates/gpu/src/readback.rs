//! The one readback path for every target: copy into a mappable buffer inside the forward's
//! own submission, then `map_async` → a oneshot channel → `await`. Natively the device is
//! polled until the map completes; in the browser the callback arrives from the event loop,
//! so nothing blocks.

use crate::GpuError;

/// Maps `staging` (already filled by a submitted copy) and returns its first `len` floats.
/// A lost device surfaces here as a failed map; the caller reports it as the loss.
pub async fn read_f32(
    device: &wgpu::Device,
    staging: &wgpu::Buffer,
    len: usize,
) -> Result<Vec<f32>, GpuError> {
    // Only the words this forward wrote: a short input reads back a short prefix of a
    // staging buffer sized for the longest one.
    let bytes = (len * 4) as u64;
    let (sender, receiver) = futures_channel::oneshot::channel();
    staging
        .slice(..bytes)
        .map_async(wgpu::MapMode::Read, move |result| {
            let _ = sender.send(result);
        });
    // Natively nothing drives wgpu's callbacks but a poll: wait here until the copy and the
    // map are done. In the browser the promise resolves on the event loop instead, and a
    // blocking wait would deadlock the page's only thread.
    #[cfg(not(target_arch = "wasm32"))]
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    #[cfg(target_arch = "wasm32")]
    let _ = device;
    // A closed channel means wgpu dropped the callback (device destroyed mid-map).
    receiver
        .await
        .map_err(|_| GpuError::Readback("the map callback was dropped".into()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    // Copy out and unmap before returning: the next forward maps the same buffer again, and
    // mapping a buffer that is still mapped is a validation error.
    let values = {
        let view = staging
            .slice(..bytes)
            .get_mapped_range()
            .map_err(|e| GpuError::Readback(e.to_string()))?;
        floats_of(&view, len)
    };
    staging.unmap();
    Ok(values)
}

/// The first `len` floats of a mapped range, copied once into the result. In the browser the
/// copy goes straight from the page's mapping into the `Vec` (dereferencing the view would
/// first copy every byte into the wasm heap and then decode them again: at T = 512 the 75 MB
/// of MiniLM's maps took that path twice).
#[cfg(target_arch = "wasm32")]
fn floats_of(view: &wgpu::BufferView, len: usize) -> Vec<f32> {
    let bytes = view.as_uint8array();
    // The mapping starts at offset 0 of its ArrayBuffer (the read is `..len * 4`), so it is
    // aligned for a Float32Array; wasm and every browser are little-endian.
    let floats = js_sys::Float32Array::new_with_byte_offset_and_length(
        &bytes.buffer(),
        bytes.byte_offset(),
        len as u32,
    );
    let mut values = vec![0f32; len];
    floats.copy_to(&mut values);
    values
}

/// The first `len` floats of a mapped range (little-endian words), copied once.
#[cfg(not(target_arch = "wasm32"))]
fn floats_of(view: &[u8], len: usize) -> Vec<f32> {
    bytemuck::pod_collect_to_vec(&view[..len * 4])
}

/// The floor every forward pays, the yardstick of the GPU benchmarks: one submission that
/// copies 4 bytes into a mappable buffer, and the readback of them. Native only: it blocks.
#[cfg(not(target_arch = "wasm32"))]
pub struct Floor {
    source: wgpu::Buffer,
    staging: wgpu::Buffer,
}

#[cfg(not(target_arch = "wasm32"))]
impl Floor {
    /// The two 4-byte buffers of the round trip.
    pub fn new(device: &wgpu::Device) -> Self {
        let buffer = |usage| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("floor"),
                size: 4,
                usage,
                mapped_at_creation: false,
            })
        };
        Self {
            source: buffer(wgpu::BufferUsages::COPY_SRC),
            staging: buffer(wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST),
        }
    }

    /// One round trip: encode the copy, submit, map and read the word.
    pub async fn run(&self, device: &wgpu::Device, queue: &wgpu::Queue) -> Result<f32, GpuError> {
        let mut encoder = device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(&self.source, 0, &self.staging, 0, 4);
        queue.submit([encoder.finish()]);
        Ok(read_f32(device, &self.staging, 1).await?[0])
    }
}
