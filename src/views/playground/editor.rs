//! An editable matrix: one text box per cell (Tab or the arrow keys move), a bad cell marked
//! with `aria-invalid` and its reason, the user's text always kept.

use super::cells::{cell_problem, Cells};
use yew::prelude::*;

/// Props of [`MatrixEditor`].
#[derive(Properties, PartialEq)]
pub struct MatrixEditorProps {
    /// An id prefix for the cells.
    pub id: AttrValue,
    /// The matrix's name (Q, K, V, W_q…).
    pub name: AttrValue,
    /// What its rows are (query, key…).
    pub row_name: AttrValue,
    /// The cells' texts.
    pub cells: Cells,
    /// Called with (row, column, text) on every edit.
    pub on_edit: Callback<(usize, usize, String)>,
}

/// A grid of number boxes.
#[component]
pub fn MatrixEditor(props: &MatrixEditorProps) -> Html {
    let (rows, cols) = props.cells.shape();
    let root = crate::hooks::data_css::use_data_css();
    let onkeydown = {
        let id = props.id.clone();
        Callback::from(move |event: KeyboardEvent| {
            let step = match event.key().as_str() {
                "ArrowUp" => (-1i64, 0i64),
                "ArrowDown" => (1, 0),
                _ => return,
            };
            let Some(target) = event.target_dyn_into::<web_sys::Element>() else {
                return;
            };
            let at = |name: &str| {
                target
                    .get_attribute(name)
                    .and_then(|v| v.parse::<i64>().ok())
            };
            let (Some(r), Some(c)) = (at("data-row"), at("data-col")) else {
                return;
            };
            let next = (r + step.0).clamp(0, rows as i64 - 1);
            if let Some(cell) =
                crate::dom::by_id_near(&target, &format!("{id}-{next}-{}", c + step.1))
            {
                event.prevent_default();
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(cell).focus();
            }
        })
    };
    html! {
        <fieldset class="matrix-editor" ref={root} {onkeydown}>
            <legend>{ format!("{} ({rows} × {cols})", props.name) }</legend>
            <div class="matrix-cells" role="group" data-css={format!("--cols:{cols}")}>
                { for props.cells.rows.iter().enumerate().flat_map(|(r, row)| {
                    row.iter().enumerate().map(move |(c, text)| (r, c, text))
                }).map(|(r, c, text)| {
                    let problem = cell_problem(text);
                    let on_edit = props.on_edit.clone();
                    let oninput = Callback::from(move |event: InputEvent| {
                        if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                            on_edit.emit((r, c, input.value()));
                        }
                    });
                    let id = format!("{}-{r}-{c}", props.id);
                    html! {
                        <input type="text" inputmode="decimal" class={classes!("matrix-cell", problem.is_some().then_some("invalid"))}
                            id={id} data-row={r.to_string()} data-col={c.to_string()} value={text.clone()}
                            aria-label={format!("{} {} {} column {}", props.name, props.row_name, r + 1, c + 1)}
                            aria-invalid={problem.is_some().to_string()} title={problem.unwrap_or_default()} {oninput} />
                    }
                }) }
            </div>
        </fieldset>
    }
}
