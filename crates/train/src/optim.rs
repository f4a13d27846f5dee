//! AdamW with linear warm-up then linear decay, gradient-norm clipping, and the weights'
//! checkpoints.

use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Result, Tensor};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarMap};
use std::collections::HashMap;
use std::path::Path;

/// How a run learns.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Schedule {
    /// Passes over the training set.
    pub epochs: usize,
    /// Examples per step.
    pub batch: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Steps of linear warm-up.
    pub warmup: usize,
    /// Largest global gradient norm.
    pub clip: f64,
    /// Dropout probability.
    pub dropout: f32,
    /// Stop after this many steps (the CI smoke run).
    pub max_steps: Option<usize>,
}

/// The optimiser and where it is in its schedule.
pub struct Learner {
    optimizer: AdamW,
    schedule: Schedule,
    total_steps: usize,
    /// Steps taken.
    pub step: usize,
}

impl Learner {
    /// AdamW over every variable of `varmap` (weight decay 0.01).
    pub fn new(varmap: &VarMap, schedule: Schedule, total_steps: usize) -> Result<Self> {
        let params = ParamsAdamW {
            lr: schedule.lr,
            weight_decay: 0.01,
            ..Default::default()
        };
        Ok(Self {
            optimizer: AdamW::new(varmap.all_vars(), params)?,
            schedule,
            total_steps: total_steps.max(1),
            step: 0,
        })
    }

    /// The learning rate at the current step.
    pub fn learning_rate(&self) -> f64 {
        let s = self.step as f64;
        let warm = self.schedule.warmup.max(1) as f64;
        let peak = self.schedule.lr;
        if s < warm {
            peak * (s + 1.0) / warm
        } else {
            let left = (self.total_steps as f64 - s) / (self.total_steps as f64 - warm).max(1.0);
            peak * left.clamp(0.05, 1.0)
        }
    }

    /// Back-propagates `loss`, clips the gradient norm, updates; returns the loss.
    pub fn step(&mut self, loss: &Tensor, varmap: &VarMap) -> Result<f32> {
        let mut grads = loss.backward()?;
        clip(&mut grads, varmap, self.schedule.clip)?;
        self.optimizer.set_learning_rate(self.learning_rate());
        self.optimizer.step(&grads)?;
        self.step += 1;
        loss.to_scalar::<f32>()
    }
}

/// Scales every gradient so their global L2 norm is at most `max_norm`.
fn clip(grads: &mut GradStore, varmap: &VarMap, max_norm: f64) -> Result<()> {
    let vars = varmap.all_vars();
    let mut squares = 0.0;
    for var in &vars {
        if let Some(g) = grads.get(var.as_tensor()) {
            squares += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
        }
    }
    let norm = squares.sqrt();
    if norm > max_norm {
        let scale = max_norm / norm;
        for var in &vars {
            if let Some(g) = grads.remove(var.as_tensor()) {
                grads.insert(var.as_tensor(), (g * scale)?);
            }
        }
    }
    Ok(())
}

/// Writes every variable under its name, converted to `dtype` (F16 for the shipped models).
pub fn save_weights(varmap: &VarMap, path: &Path, dtype: DType) -> Result<()> {
    let data = varmap
        .data()
        .lock()
        .expect("the variable map is not poisoned");
    let mut tensors = HashMap::new();
    for (name, var) in data.iter() {
        tensors.insert(name.clone(), var.as_tensor().to_dtype(dtype)?);
    }
    candle_core::safetensors::save(&tensors, path)
}

/// Reads a safetensors file as f32 tensors by name.
pub fn load_weights(path: &Path) -> Result<HashMap<String, Tensor>> {
    candle_core::safetensors::load(path, &Device::Cpu)?
        .into_iter()
        .map(|(name, t)| Ok((name, t.to_dtype(DType::F32)?)))
        .collect()
}
