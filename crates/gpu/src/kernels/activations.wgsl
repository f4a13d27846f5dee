// Activations shared by the recurrent kernels (lstm, bridge, decoder_cell, decoder_attention),
// appended to each of them when it is compiled (`kernel_source!(…, shared [...])`):
//   σ(v) = 1 / (1 + e^(−v))
//   tanh_safe(v) = tanh(clamp(v, −15, 15))   tanh(±15) is ±1 in f32; some drivers return
//                                            NaN for tanh of a larger argument (exp overflows)
// CPU twins: attnscope-core src/activation.rs (sigmoid, tanh).

fn sigmoid(v: f32) -> f32 {
    return 1.0 / (1.0 + exp(-v));
}

fn tanh_safe(v: f32) -> f32 {
    return tanh(clamp(v, -15.0, 15.0));
}
