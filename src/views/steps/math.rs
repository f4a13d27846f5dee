//! Each step's equation in MathML, which browsers draw natively (no script, no font, no CDN).
//! Static markup only: nothing the reader types is ever placed in it.
//!
//! Each constant is one `<math display="block">` element, inserted unescaped by the
//! step-through (`Html::from_html_unchecked`), which is safe only because they are constants.

/// X = LN(E[ids] + P), BERT's embedding with learned positions.
pub const EMBED_LEARNED: &str = r#"<math display="block"><mi>X</mi><mo>=</mo><mtext>LN</mtext><mo>(</mo><mi>E</mi><mo>[</mo><mtext>ids</mtext><mo>]</mo><mo>+</mo><mi>P</mi><mo>)</mo></math>"#;

/// X = E[ids]·√d + PE.
pub const EMBED: &str = r#"<math display="block"><mi>X</mi><mo>=</mo><mi>E</mi><mo>[</mo><mtext>ids</mtext><mo>]</mo><mo>·</mo><msqrt><mi>d</mi></msqrt><mo>+</mo><mi>PE</mi></math>"#;
/// Q = X W_Qᵀ + b_Q, K, V alike.
pub const PROJECT: &str = r#"<math display="block"><mi>Q</mi><mo>=</mo><mi>X</mi><msubsup><mi>W</mi><mi>Q</mi><mo>⊤</mo></msubsup><mo>+</mo><msub><mi>b</mi><mi>Q</mi></msub><mo>,</mo><mspace width="1em"/><mi>K</mi><mo>=</mo><mi>X</mi><msubsup><mi>W</mi><mi>K</mi><mo>⊤</mo></msubsup><mo>+</mo><msub><mi>b</mi><mi>K</mi></msub><mo>,</mo><mspace width="1em"/><mi>V</mi><mo>=</mo><mi>X</mi><msubsup><mi>W</mi><mi>V</mi><mo>⊤</mo></msubsup><mo>+</mo><msub><mi>b</mi><mi>V</mi></msub></math>"#;
/// s_j = q_i · k_j.
pub const DOT: &str = r#"<math display="block"><msub><mi>s</mi><mi>j</mi></msub><mo>=</mo><msub><mi>q</mi><mi>i</mi></msub><mo>·</mo><msub><mi>k</mi><mi>j</mi></msub><mo>=</mo><munder><mo>∑</mo><mi>e</mi></munder><msub><mi>q</mi><mrow><mi>i</mi><mi>e</mi></mrow></msub><msub><mi>k</mi><mrow><mi>j</mi><mi>e</mi></mrow></msub></math>"#;
/// s_j / √d_k.
///
/// The denominator also carries the temperature τ, as the models compute it
/// (`HeadDetail::scale` is 1/(√d_k·τ)); the step-through runs at τ = 1.
pub const SCALE: &str = r#"<math display="block"><msub><mover><mi>s</mi><mo>~</mo></mover><mi>j</mi></msub><mo>=</mo><mfrac><msub><mi>s</mi><mi>j</mi></msub><mrow><msqrt><msub><mi>d</mi><mi>k</mi></msub></msqrt><mo>·</mo><mi>τ</mi></mrow></mfrac></math>"#;
/// Masked keys → −∞.
pub const MASK: &str = r#"<math display="block"><msub><mover><mi>s</mi><mo>~</mo></mover><mi>j</mi></msub><mo>=</mo><mo>−</mo><mi>∞</mi><mspace width="1em"/><mtext>for every masked key </mtext><mi>j</mi></math>"#;
/// The look-ahead mask: keys after the query → −∞ (and any masked key).
pub const LOOK_AHEAD: &str = r#"<math display="block"><msub><mover><mi>s</mi><mo>~</mo></mover><mi>j</mi></msub><mo>=</mo><mo>−</mo><mi>∞</mi><mspace width="1em"/><mtext>for every key </mtext><mi>j</mi><mo>&gt;</mo><mi>i</mi><mtext> (and every masked key)</mtext></math>"#;
/// The softmax with its exponentials and their sum.
///
/// Written max-subtracting, as `ops::softmax_parts` computes it, so the numbers in the
/// table beside it are exactly these e_j, m and Z.
pub const SOFTMAX: &str = r#"<math display="block"><msub><mi>e</mi><mi>j</mi></msub><mo>=</mo><msup><mi>e</mi><mrow><msub><mover><mi>s</mi><mo>~</mo></mover><mi>j</mi></msub><mo>−</mo><mi>m</mi></mrow></msup><mo>,</mo><mspace width="1em"/><mi>m</mi><mo>=</mo><munder><mo>max</mo><mi>j</mi></munder><msub><mover><mi>s</mi><mo>~</mo></mover><mi>j</mi></msub><mo>,</mo><mspace width="1em"/><mi>Z</mi><mo>=</mo><munder><mo>∑</mo><mi>j</mi></munder><msub><mi>e</mi><mi>j</mi></msub></math>"#;
/// a_j = e_j / Z.
pub const WEIGHTS: &str = r#"<math display="block"><msub><mi>a</mi><mi>j</mi></msub><mo>=</mo><mfrac><msub><mi>e</mi><mi>j</mi></msub><mi>Z</mi></mfrac><mo>,</mo><mspace width="1em"/><munder><mo>∑</mo><mi>j</mi></munder><msub><mi>a</mi><mi>j</mi></msub><mo>=</mo><mn>1</mn></math>"#;
/// head output = Σ a_j v_j.
pub const OUTPUT: &str = r#"<math display="block"><msub><mi>o</mi><mi>i</mi></msub><mo>=</mo><munder><mo>∑</mo><mi>j</mi></munder><msub><mi>a</mi><mi>j</mi></msub><msub><mi>v</mi><mi>j</mi></msub></math>"#;
/// Concat heads, then W_O.
pub const CONCAT: &str = r#"<math display="block"><mtext>MultiHead</mtext><mo>=</mo><mo>[</mo><msup><mi>o</mi><mn>1</mn></msup><mo>|</mo><mo>…</mo><mo>|</mo><msup><mi>o</mi><mi>h</mi></msup><mo>]</mo><msubsup><mi>W</mi><mi>O</mi><mo>⊤</mo></msubsup><mo>+</mo><msub><mi>b</mi><mi>O</mi></msub></math>"#;
/// u_t = tanh(W h_t + b), score_t = v·u_t.
///
/// `v` is the learned query vector (`attention.v` in a BiLSTM folder).
pub const POOL_SCORE: &str = r#"<math display="block"><msub><mi>u</mi><mi>t</mi></msub><mo>=</mo><mi>tanh</mi><mo>(</mo><mi>W</mi><msub><mi>h</mi><mi>t</mi></msub><mo>+</mo><mi>b</mi><mo>)</mo><mo>,</mo><mspace width="1em"/><msub><mtext>score</mtext><mi>t</mi></msub><mo>=</mo><mi>v</mi><mo>·</mo><msub><mi>u</mi><mi>t</mi></msub></math>"#;
/// α = softmax(score).
pub const POOL_SOFTMAX: &str = r#"<math display="block"><msub><mi>α</mi><mi>t</mi></msub><mo>=</mo><mfrac><msup><mi>e</mi><mrow><msub><mtext>score</mtext><mi>t</mi></msub><mo>−</mo><mi>m</mi></mrow></msup><mrow><munder><mo>∑</mo><mi>τ</mi></munder><msup><mi>e</mi><mrow><msub><mtext>score</mtext><mi>τ</mi></msub><mo>−</mo><mi>m</mi></mrow></msup></mrow></mfrac></math>"#;
/// s = Σ α_t h_t.
pub const POOL_CONTEXT: &str = r#"<math display="block"><mi>s</mi><mo>=</mo><munder><mo>∑</mo><mi>t</mi></munder><msub><mi>α</mi><mi>t</mi></msub><msub><mi>h</mi><mi>t</mi></msub><mo>,</mo><mspace width="1em"/><msub><mi>h</mi><mi>t</mi></msub><mo>=</mo><mo>[</mo><msub><mover><mi>h</mi><mo>→</mo></mover><mi>t</mi></msub><mo>;</mo><msub><mover><mi>h</mi><mo>←</mo></mover><mi>t</mi></msub><mo>]</mo></math>"#;
/// p = softmax(W_c s + b_c).
pub const POOL_CLASSIFY: &str = r#"<math display="block"><mi>p</mi><mo>=</mo><mtext>softmax</mtext><mo>(</mo><msub><mi>W</mi><mi>c</mi></msub><mi>s</mi><mo>+</mo><msub><mi>b</mi><mi>c</mi></msub><mo>)</mo></math>"#;
