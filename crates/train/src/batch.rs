//! Token ids into padded batches: length-bucketed, seeded, right-padded.

use crate::data::split::shuffle;
use candle_core::{Device, Result, Tensor};

/// Pads rows of ids to the longest: (ids (B, T) u32, valid (B, T) f32).
pub fn pad(rows: &[&[u32]], pad_id: u32) -> Result<(Tensor, Tensor)> {
    let t = rows.iter().map(|r| r.len()).max().unwrap_or(0).max(1);
    let mut ids = Vec::with_capacity(rows.len() * t);
    let mut valid = Vec::with_capacity(rows.len() * t);
    for row in rows {
        for i in 0..t {
            ids.push(row.get(i).copied().unwrap_or(pad_id));
            valid.push(if i < row.len() { 1f32 } else { 0.0 });
        }
    }
    let shape = (rows.len(), t);
    Ok((
        Tensor::from_vec(ids, shape, &Device::Cpu)?,
        Tensor::from_vec(valid, shape, &Device::Cpu)?,
    ))
}

/// Batches of indices into `lengths`: shuffled, then sorted by length within windows of 50
/// batches (little padding), then the batches shuffled again. Same seed, same batches.
pub fn bucketed(lengths: &[usize], batch: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    shuffle(&mut order, seed);
    for window in order.chunks_mut(batch * 50) {
        window.sort_by_key(|&i| lengths[i]);
    }
    let mut batches: Vec<Vec<usize>> = order.chunks(batch).map(<[usize]>::to_vec).collect();
    shuffle(&mut batches, seed ^ 0x5eed);
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_marks_valid_positions() {
        let (ids, valid) = pad(&[&[5, 6, 7], &[8]], 0).unwrap();
        assert_eq!(
            ids.to_vec2::<u32>().unwrap(),
            vec![vec![5, 6, 7], vec![8, 0, 0]]
        );
        assert_eq!(
            valid.to_vec2::<f32>().unwrap(),
            vec![vec![1.0, 1.0, 1.0], vec![1.0, 0.0, 0.0]]
        );
    }

    #[test]
    fn buckets_cover_every_index_once() {
        let lengths: Vec<usize> = (0..1000).map(|i| i % 37).collect();
        let mut seen: Vec<usize> = bucketed(&lengths, 32, 7).concat();
        seen.sort();
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    }
}
