//! What the step-through shows, as kept in the URL:
//! `#/steps?model=sentiment-transformer&text=not%20bad&layer=0&head=1&query=2&mask=1&step=4`.

use crate::engine::catalog::{self, ModelInfo, CLASSIFIERS};
use crate::route::Query;

/// What the step-through shows, kept in the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSettings {
    /// The model.
    pub model: &'static ModelInfo,
    /// The sentence.
    pub text: String,
    /// Layer and head (Transformer).
    pub head: (usize, usize),
    /// The query token (Transformer).
    pub query: usize,
    /// Masked token positions.
    pub masked: Vec<usize>,
    /// The step shown (0-based).
    pub step: usize,
}

impl StepSettings {
    /// From the URL: `model`, `text`, `layer`, `head`, `query`, `mask`, `step` (numbers from 0).
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut s = Self {
            model: &CLASSIFIERS[0],
            text: String::new(),
            head: (0, 0),
            query: 0,
            masked: vec![],
            step: 0,
        };
        let mut notices = Vec::new();
        let mut text = None;
        let number = |v: &str| v.trim().parse::<usize>().ok().filter(|&n| n < 4096);
        for (key, value) in query {
            let ok = match key.as_str() {
                "model" => catalog::classifier(value).map(|m| s.model = m).is_some(),
                "text" => {
                    text = Some(value.clone());
                    true
                }
                "layer" => number(value).map(|n| s.head.0 = n).is_some(),
                "head" => number(value).map(|n| s.head.1 = n).is_some(),
                "query" => number(value).map(|n| s.query = n).is_some(),
                "step" => number(value).map(|n| s.step = n).is_some(),
                "mask" => crate::route::parse_list(value, number)
                    .map(|m| s.masked = m)
                    .is_some(),
                "present" => true,
                _ => false,
            };
            if !ok {
                notices.push(format!("Ignored {key}=“{value}”."));
            }
        }
        s.text =
            text.unwrap_or_else(|| s.model.examples[1.min(s.model.examples.len() - 1)].to_owned());
        (s, notices)
    }

    /// The settings as URL parameters (the text cut to the URL limit).
    pub fn to_query(&self) -> Query {
        let mut q: Query = vec![
            ("model".into(), self.model.name.into()),
            ("text".into(), self.text.chars().take(2000).collect()),
        ];
        if self.model.transformer {
            q.push(("layer".into(), self.head.0.to_string()));
            q.push(("head".into(), self.head.1.to_string()));
            q.push(("query".into(), self.query.to_string()));
        }
        if !self.masked.is_empty() {
            let list: Vec<String> = self.masked.iter().map(usize::to_string).collect();
            q.push(("mask".into(), list.join(",")));
        }
        q.push(("step".into(), self.step.to_string()));
        q
    }
}
