//! The input's tokens as chips: click (or Enter/Space) masks a token, hover or focus
//! highlights it in every view, arrow keys move between chips.

use yew::prelude::*;

/// Props of [`TokenChips`].
#[derive(Properties, PartialEq)]
pub struct TokenChipsProps {
    /// An id prefix for the chips.
    pub id: AttrValue,
    /// The tokens' texts.
    pub tokens: Vec<String>,
    /// Masked positions.
    pub masked: Vec<usize>,
    /// The highlighted position.
    pub highlight: Option<usize>,
    /// Called with a position to mask or unmask it.
    pub on_toggle: Callback<usize>,
    /// Called with the position under the pointer or focus (None when it leaves).
    pub on_highlight: Callback<Option<usize>>,
}

/// A row of token chips.
#[component]
pub fn TokenChips(props: &TokenChipsProps) -> Html {
    let count = props.tokens.len();
    let chip_id = |i: usize| format!("{}-{i}", props.id);
    let onkeydown = {
        let prefix = props.id.clone();
        Callback::from(move |event: KeyboardEvent| {
            let step: i64 = match event.key().as_str() {
                "ArrowLeft" | "ArrowUp" => -1,
                "ArrowRight" | "ArrowDown" => 1,
                _ => return,
            };
            let Some(target) = event.target_dyn_into::<web_sys::Element>() else {
                return;
            };
            let current: i64 = target
                .get_attribute("data-index")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let next = (current + step).clamp(0, count.saturating_sub(1) as i64);
            event.prevent_default();
            if let Some(element) = crate::dom::by_id_near(&target, &format!("{prefix}-{next}")) {
                let _ =
                    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(element).focus();
            }
        })
    };
    let leave = props.on_highlight.reform(|_: MouseEvent| None);
    html! {
        <div class="token-chips" role="toolbar" aria-label="Tokens: press Enter to mask or unmask one; arrow keys move"
            {onkeydown} onmouseleave={leave}>
            { for props.tokens.iter().enumerate().map(|(i, token)| {
                let masked = props.masked.contains(&i);
                let onclick = props.on_toggle.reform(move |_: MouseEvent| i);
                let onmouseenter = props.on_highlight.reform(move |_: MouseEvent| Some(i));
                let onfocus = props.on_highlight.reform(move |_: FocusEvent| Some(i));
                let class = classes!(
                    "token-chip",
                    masked.then_some("masked"),
                    (props.highlight == Some(i)).then_some("highlight")
                );
                let label = format!("token {i}: {token}{}", if masked { ", masked" } else { "" });
                html! {
                    <button type="button" id={chip_id(i)} {class} data-index={i.to_string()}
                        aria-pressed={masked.to_string()} aria-label={label}
                        tabindex={if i == props.highlight.unwrap_or(0) { "0" } else { "-1" }}
                        {onclick} {onmouseenter} {onfocus}>{ token }</button>
                }
            }) }
        </div>
    }
}
