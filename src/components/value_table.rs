//! Numbers as tables: one matrix with its rows and columns named, every value to four
//! decimals (the playground's results, the step-through's vectors).

use attnscope_core::Matrix;
use yew::prelude::*;

/// A number in the result tables: four decimals, −∞ for a masked score.
pub fn format_value(value: f32) -> String {
    if value == f32::NEG_INFINITY {
        "−∞".to_owned()
    } else {
        format!("{value:.4}")
    }
}

/// One matrix as a table: rows and columns named, every value exact to 4 decimals.
///
/// Rows and columns are labelled 1-based with the `row` and `col` prefixes (`dim 1`,
/// `q1`). `extra` adds one named column after the matrix, which must hold one value per
/// row (a shorter slice would panic).
pub fn value_table(
    id: &str,
    caption: &str,
    matrix: &Matrix,
    row: &str,
    col: &str,
    extra: Option<(&str, &[f32])>,
) -> Html {
    html! {
        <table class="value-table" id={id.to_owned()}>
            <caption>{ caption }</caption>
            <thead><tr><td></td>
                { for (0..matrix.cols()).map(|c| html! { <th scope="col">{ format!("{col}{}", c + 1) }</th> }) }
                { for extra.map(|(name, _)| html! { <th scope="col">{ name }</th> }) }
            </tr></thead>
            <tbody>
                { for (0..matrix.rows()).map(|r| html! {
                    <tr><th scope="row">{ format!("{row}{}", r + 1) }</th>
                        { for matrix.row(r).iter().map(|v| html! { <td>{ format_value(*v) }</td> }) }
                        { for extra.map(|(_, values)| html! { <td>{ format_value(values[r]) }</td> }) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_have_four_decimals_and_masked_scores_are_minus_infinity() {
        assert_eq!(format_value(0.123456), "0.1235");
        assert_eq!(format_value(f32::NEG_INFINITY), "−∞");
    }
}
