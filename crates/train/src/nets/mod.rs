//! The three architectures in candle, trainable, with the tensor names and the arithmetic of
//! attnscope-core (its module docs write out the equations). Batches are right-padded;
//! `valid` (B, T) is 1.0 on real tokens and 0.0 on padding, and padding changes nothing a
//! real token sees: keys are masked, LSTM states are carried unchanged across padding.

pub mod bilstm;
pub mod seq2seq;
pub mod transformer;

use candle_core::{DType, IndexOp, Result, Tensor, D};
use candle_nn::{Init, VarBuilder};

/// (B, T) → (B, 1, 1, T) additive bias: 0 where valid, −1e9 on padding (e^(−1e9) is exactly
/// 0 in f32, so padded keys get exactly zero weight, as in core where they do not exist).
pub fn key_bias(valid: &Tensor) -> Result<Tensor> {
    (valid - 1.0)? * 1e9
}

/// Softmax over the last dimension, from differentiable primitives (candle's fused
/// `softmax_last_dim` has no backward pass).
pub fn softmax(x: &Tensor) -> Result<Tensor> {
    candle_nn::ops::softmax(x, D::Minus1)
}

/// LayerNorm over the last dimension (PyTorch semantics: biased variance, ε inside the root),
/// from differentiable primitives.
#[derive(Debug, Clone)]
pub struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    /// `{vb}.weight` = 1, `{vb}.bias` = 0.
    pub fn new(d: usize, eps: f64, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            weight: vb.get_with_hints(d, "weight", Init::Const(1.0))?,
            bias: vb.get_with_hints(d, "bias", Init::Const(0.0))?,
            eps,
        })
    }

    /// (…, d) → (…, d).
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mean = x.mean_keepdim(D::Minus1)?;
        let centred = x.broadcast_sub(&mean)?;
        let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
        centred
            .broadcast_div(&(var + self.eps)?.sqrt()?)?
            .broadcast_mul(&self.weight)?
            .broadcast_add(&self.bias)
    }
}

/// One direction of an LSTM layer (PyTorch names `weight_ih{suffix}` …, gate order i f g o).
#[derive(Debug, Clone)]
pub struct LstmDirection {
    w_ih: Tensor, // (4H, in)
    w_hh: Tensor, // (4H, H)
    b_ih: Tensor, // (4H)
    b_hh: Tensor, // (4H)
    hidden: usize,
}

/// What an LSTM direction returns: every step's h (B, T, H) and the final (h, c), each (B, H).
pub type LstmRun = (Tensor, (Tensor, Tensor));

impl LstmDirection {
    /// PyTorch's initialisation, U(−1/√H, 1/√H).
    pub fn new(vb: &VarBuilder, suffix: &str, input: usize, hidden: usize) -> Result<Self> {
        let k = 1.0 / (hidden as f64).sqrt();
        let init = Init::Uniform { lo: -k, up: k };
        let b_ih = vb.get_with_hints(4 * hidden, &format!("bias_ih{suffix}"), init)?;
        let b_hh = vb.get_with_hints(4 * hidden, &format!("bias_hh{suffix}"), init)?;
        Ok(Self {
            w_ih: vb.get_with_hints((4 * hidden, input), &format!("weight_ih{suffix}"), init)?,
            w_hh: vb.get_with_hints((4 * hidden, hidden), &format!("weight_hh{suffix}"), init)?,
            b_ih,
            b_hh,
            hidden,
        })
    }

    /// One step: gates = x_proj + W_hh·h; c' = σ(f)c + σ(i)tanh(g); h' = σ(o)tanh(c').
    pub fn step(&self, x_proj: &Tensor, h: &Tensor, c: &Tensor) -> Result<(Tensor, Tensor)> {
        let gates = (x_proj + h.matmul(&self.w_hh.t()?)?)?;
        let chunks = gates.chunk(4, D::Minus1)?;
        let sig = candle_nn::ops::sigmoid;
        let c_new = ((sig(&chunks[1])? * c)? + (sig(&chunks[0])? * chunks[2].tanh()?)?)?;
        let h_new = (sig(&chunks[3])? * c_new.tanh()?)?;
        Ok((h_new, c_new))
    }

    /// Projects inputs for every step at once: W_ih·x + b_ih + b_hh, (B, T, 4H). The biases
    /// are added here, on every call: the optimiser updates the variables in place, so a sum
    /// taken once when the network is built would keep the initial values for ever.
    pub fn project(&self, xs: &Tensor) -> Result<Tensor> {
        xs.broadcast_matmul(&self.w_ih.t()?)?
            .broadcast_add(&(&self.b_ih + &self.b_hh)?)
    }

    /// Runs over (B, T, in) forwards or backwards. On padding (valid = 0) the state is
    /// carried unchanged, so each row equals an unpadded run of its own length.
    pub fn run(&self, xs: &Tensor, valid: &Tensor, reverse: bool) -> Result<LstmRun> {
        let (b, t, _) = xs.dims3()?;
        let projected = self.project(xs)?;
        let zeros = Tensor::zeros((b, self.hidden), DType::F32, xs.device())?;
        let (mut h, mut c) = (zeros.clone(), zeros);
        let mut outputs = vec![None; t];
        let order: Vec<usize> = if reverse {
            (0..t).rev().collect()
        } else {
            (0..t).collect()
        };
        for step in order {
            let m = valid.i((.., step))?.unsqueeze(1)?; // (B, 1)
            let (h_new, c_new) = self.step(&projected.i((.., step, ..))?, &h, &c)?;
            h = (&h + (h_new - &h)?.broadcast_mul(&m)?)?;
            c = (&c + (c_new - &c)?.broadcast_mul(&m)?)?;
            outputs[step] = Some(h.clone());
        }
        let outputs: Vec<Tensor> = outputs.into_iter().flatten().collect();
        Ok((Tensor::stack(&outputs, 1)?, (h, c)))
    }
}

/// A bidirectional layer: forward and reverse directions, outputs concatenated (B, T, 2H).
#[derive(Debug, Clone)]
pub struct BiLstmLayer {
    /// Left to right.
    pub forward: LstmDirection,
    /// Right to left.
    pub backward: LstmDirection,
}

impl BiLstmLayer {
    /// `{vb}weight_ih_l{layer}` and `…_l{layer}_reverse`.
    pub fn new(vb: &VarBuilder, layer: usize, input: usize, hidden: usize) -> Result<Self> {
        Ok(Self {
            forward: LstmDirection::new(vb, &format!("_l{layer}"), input, hidden)?,
            backward: LstmDirection::new(vb, &format!("_l{layer}_reverse"), input, hidden)?,
        })
    }

    /// (B, T, in) → (B, T, 2H), and the final states of both directions.
    pub fn run(&self, xs: &Tensor, valid: &Tensor) -> Result<(Tensor, [(Tensor, Tensor); 2])> {
        let (fw, fw_last) = self.forward.run(xs, valid, false)?;
        let (bw, bw_last) = self.backward.run(xs, valid, true)?;
        Ok((Tensor::cat(&[fw, bw], 2)?, [fw_last, bw_last]))
    }
}

/// Dropout in training, the identity otherwise.
pub fn dropout(x: &Tensor, p: f32, train: bool) -> Result<Tensor> {
    if train && p > 0.0 {
        candle_nn::ops::dropout(x, p)
    } else {
        Ok(x.clone())
    }
}

/// Additive attention scores vᵀ·tanh(x) for x (B, T, a) and v (1, a): (B, T).
pub fn additive_scores(x: &Tensor, v: &Tensor) -> Result<Tensor> {
    x.tanh()?.broadcast_matmul(&v.t()?)?.squeeze(D::Minus1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;
    use candle_nn::{Optimizer, VarMap, SGD};

    fn output(lstm: &LstmDirection, xs: &Tensor) -> Tensor {
        let valid = Tensor::ones((2, 5), DType::F32, &Device::Cpu).unwrap();
        lstm.run(xs, &valid, false).unwrap().0
    }

    fn largest_difference(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar()
            .unwrap()
    }

    /// The forward uses the biases as they are now: after optimiser steps, the network in
    /// training computes what a network rebuilt from its exported variables computes, and a
    /// bias changed by hand changes the output. (A sum taken once at construction failed both.)
    #[test]
    fn lstm_forward_follows_trained_biases() {
        let device = Device::Cpu;
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &device);
        let lstm = LstmDirection::new(&vb, "_l0", 3, 4).unwrap();
        let xs = Tensor::randn(0f32, 1.0, (2, 5, 3), &device).unwrap();
        let mut sgd = SGD::new(varmap.all_vars(), 0.5).unwrap();
        for _ in 0..3 {
            let loss = output(&lstm, &xs).sqr().unwrap().sum_all().unwrap();
            sgd.backward_step(&loss).unwrap();
        }
        let exported: std::collections::HashMap<String, Tensor> = varmap
            .data()
            .lock()
            .unwrap()
            .iter()
            .map(|(name, var)| (name.clone(), var.as_tensor().copy().unwrap()))
            .collect();
        let rebuilt_vb = VarBuilder::from_tensors(exported, DType::F32, &device);
        let rebuilt = LstmDirection::new(&rebuilt_vb, "_l0", 3, 4).unwrap();
        let trained = output(&lstm, &xs);
        assert!(largest_difference(&trained, &output(&rebuilt, &xs)) < 1e-6);

        let bias = varmap.data().lock().unwrap()["bias_hh_l0"].clone();
        bias.set(&(bias.as_tensor() + 1.0).unwrap()).unwrap();
        assert!(largest_difference(&trained, &output(&lstm, &xs)) > 1e-3);
    }
}
