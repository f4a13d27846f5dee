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
    // One handler on the toolbar: the arrow keys move the focus from chip to chip, and the
    // focus (`onfocus`) moves the highlight with it.
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
            // Stops at either end rather than wrapping.
            let next = (current + step).clamp(0, count.saturating_sub(1) as i64);
            // The arrows would scroll the page otherwise.
            event.prevent_default();
            // Looked up in the chip's own tree: inside an `<attn-scope>` it is a shadow root.
            if let Some(element) = crate::dom::by_id_near(&target, &format!("{prefix}-{next}")) {
                let _ =
                    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(element).focus();
            }
        })
    };
    let leave = props.on_highlight.reform(|_: MouseEvent| None);
    // The one chip Tab reaches: the highlighted one while it exists, else the first, so the
    // row stays reachable when a highlight outlives a shorter text.
    let tab_stop = props
        .highlight
        .filter(|&i| i < props.tokens.len())
        .unwrap_or(0);
    html! {
        <div class="token-chips" role="toolbar" aria-label="Tokens: press Enter to mask or unmask one; arrow keys move"
            {onkeydown} onmouseleave={leave}>
            { for props.tokens.iter().enumerate().map(|(i, token)| {
                let masked = props.masked.contains(&i);
                // Enter and Space click a `<button>` natively, so they mask as a click does.
                let onclick = props.on_toggle.reform(move |_: MouseEvent| i);
                let onmouseenter = props.on_highlight.reform(move |_: MouseEvent| Some(i));
                let onfocus = props.on_highlight.reform(move |_: FocusEvent| Some(i));
                let class = classes!(
                    "token-chip",
                    masked.then_some("masked"),
                    (props.highlight == Some(i)).then_some("highlight")
                );
                let label = format!("token {i}: {token}{}", if masked { ", masked" } else { "" });
                // Roving tabindex: only the highlighted chip (else the first) is in the tab
                // order, so Tab enters and leaves the row in one step.
                html! {
                    <button type="button" id={chip_id(i)} {class} data-index={i.to_string()}
                        aria-pressed={masked.to_string()} aria-label={label}
                        tabindex={if i == tab_stop { "0" } else { "-1" }}
                        {onclick} {onmouseenter} {onfocus}>{ token }</button>
                }
            }) }
        </div>
    }
}
