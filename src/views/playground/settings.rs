//! What the playground computes, as kept in the URL
//! (`#/playground?score=scaled&mask=padding&pad=1,2&heads=2&t=0.5`): the matrices typed, the
//! score function, the mask, the heads and the temperature, and the one call into core's
//! `attention_math` that turns them into every step's numbers. Pure logic: no DOM.

use super::cells::{self, Cells};
use super::presets;
use crate::route::Query;
use attnscope_core::attention_math::{attention_steps, AttentionSteps, Mask, ScoreFunction};

/// The score function picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Score {
    /// q·k.
    Dot,
    /// q·k / √d.
    Scaled,
    /// Bahdanau's vᵀ tanh(W_q q + W_k k).
    Additive,
}

/// The mask picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskKind {
    /// No mask.
    None,
    /// Chosen key positions are padding.
    Padding,
    /// Causal.
    LookAhead,
}

/// Everything the reader set.
#[derive(Debug, Clone, PartialEq)]
pub struct Playground {
    pub(super) q: Cells,
    pub(super) k: Cells,
    pub(super) v: Cells,
    pub(super) w_q: Cells,
    pub(super) w_k: Cells,
    pub(super) w_v: Cells,
    pub(super) score: Score,
    pub(super) mask: MaskKind,
    pub(super) padded: Vec<usize>,
    pub(super) heads: usize,
    pub(super) temperature: String,
    pub(super) seed: u64,
}

/// Width of the additive attention's hidden layer.
pub(super) const ADDITIVE_DIM: usize = 2;

impl Playground {
    /// The source documents' example, scaled dot product, no mask, one head.
    pub(super) fn example() -> Self {
        let (q, k, v) = presets::source_example();
        let mut state = Self {
            q,
            k,
            v,
            w_q: Cells::filled(0, 0, 0.0),
            w_k: Cells::filled(0, 0, 0.0),
            w_v: presets::random(3, 1, ADDITIVE_DIM),
            score: Score::Scaled,
            mask: MaskKind::None,
            padded: vec![],
            heads: 1,
            temperature: "1".into(),
            seed: 1,
        };
        state.fit_additive();
        state
    }

    /// From the URL: `score`, `mask`, `pad`, `heads`, `t`, `preset`.
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut state = Self::example();
        let mut notices = Vec::new();
        for (key, value) in query {
            match (key.as_str(), value.as_str()) {
                ("score", "dot") => state.score = Score::Dot,
                ("score", "scaled") => state.score = Score::Scaled,
                ("score", "additive") => state.score = Score::Additive,
                ("mask", "none") => state.mask = MaskKind::None,
                ("mask", "padding") => state.mask = MaskKind::Padding,
                ("mask", "lookahead") => state.mask = MaskKind::LookAhead,
                ("pad", list) => {
                    state.padded = list
                        .split(',')
                        .filter_map(|p| p.trim().parse().ok())
                        .filter(|&p: &usize| p < 8)
                        .collect()
                }
                ("heads", "1" | "2" | "4") => state.heads = value.parse().unwrap_or(1),
                ("t", t) => state.temperature = t.to_owned(),
                ("preset", "example") => {}
                ("preset", "random") => state.randomise(),
                _ => notices.push(format!("Ignored the URL parameter {key}=“{value}”.")),
            }
        }
        state.fit_additive();
        (state, notices)
    }

    pub(super) fn to_query(&self) -> Query {
        let score = match self.score {
            Score::Dot => "dot",
            Score::Scaled => "scaled",
            Score::Additive => "additive",
        };
        let mask = match self.mask {
            MaskKind::None => "none",
            MaskKind::Padding => "padding",
            MaskKind::LookAhead => "lookahead",
        };
        let mut query = vec![
            ("score".into(), score.into()),
            ("mask".into(), mask.into()),
            ("heads".into(), self.heads.to_string()),
        ];
        if self.mask == MaskKind::Padding {
            let pad: Vec<String> = self.padded.iter().map(usize::to_string).collect();
            query.push(("pad".into(), pad.join(",")));
        }
        if self.temperature.trim() != "1" {
            query.push(("t".into(), self.temperature.clone()));
        }
        query
    }

    pub(super) fn randomise(&mut self) {
        self.seed = self.seed.wrapping_add(1);
        let (n, d) = self.q.shape();
        let (m, dv) = self.v.shape();
        self.q = presets::random(self.seed, n, d);
        self.k = presets::random(self.seed + 1000, m, d);
        self.v = presets::random(self.seed + 2000, m, dv);
    }

    /// Keeps the additive weights the shape one head needs (a × d/heads).
    pub(super) fn fit_additive(&mut self) {
        let dh = (self.q.shape().1 / self.heads.max(1)).max(1);
        if self.w_q.shape() != (ADDITIVE_DIM, dh) {
            self.w_q = presets::random(11, ADDITIVE_DIM, dh);
            self.w_k = presets::random(12, ADDITIVE_DIM, dh);
        }
    }

    /// The whole computation, or what is wrong (a cell's place, a shape).
    pub(super) fn compute(&self) -> Result<AttentionSteps, String> {
        let parse = |name: &str, cells: &Cells| {
            cells.parse().map_err(|bad| {
                let (r, c) = bad.first().copied().unwrap_or((0, 0));
                format!(
                    "{name} row {} column {}: {}",
                    r + 1,
                    c + 1,
                    cells::cell_problem(&cells.rows[r][c]).unwrap_or("not usable")
                )
            })
        };
        let (q, k, v) = (
            parse("Q", &self.q)?,
            parse("K", &self.k)?,
            parse("V", &self.v)?,
        );
        let function = match self.score {
            Score::Dot => ScoreFunction::Dot,
            Score::Scaled => ScoreFunction::ScaledDot,
            Score::Additive => ScoreFunction::Additive {
                w_q: parse("W_q", &self.w_q)?,
                w_k: parse("W_k", &self.w_k)?,
                v: parse("v", &self.w_v)?.row(0).to_vec(),
            },
        };
        let mask = match self.mask {
            MaskKind::None => Mask::None,
            MaskKind::Padding => Mask::Padding(self.padded.clone()),
            MaskKind::LookAhead => Mask::LookAhead,
        };
        let temperature = match cells::cell_problem(&self.temperature) {
            None => self.temperature.trim().parse::<f32>().unwrap_or(1.0),
            Some(why) => return Err(format!("temperature: {why}")),
        };
        if temperature <= 0.0 {
            return Err("temperature: must be above 0".into());
        }
        attention_steps(&q, &k, &v, &function, &mask, self.heads, temperature)
            .map_err(|e| e.to_string())
    }
}
