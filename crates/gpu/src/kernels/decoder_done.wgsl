// The translator's end flag, shared by the one-workgroup decoder kernels (decoder_cell,
// decoder_attention, decoder_argmax), appended to each when it is compiled: once the end token
// was produced (state[OFF_DONE] ≠ 0) every later step of the same submit does nothing.
// Thread 0 reads the flag and workgroupUniformLoad hands it to the whole workgroup, so the
// early return is uniform control flow (the barriers after it stay valid).
// Each including kernel declares `state` (the decoder state) and `override OFF_DONE`.

var<workgroup> done: u32;

fn decoding_finished(l: u32) -> bool {
    if (l == 0u) {
        done = u32(state[OFF_DONE]);
    }
    return workgroupUniformLoad(&done) != 0u;
}
