//! The state machine explained: the transition table the core runs, rendered as it is declared.

use crate::conference::table::TABLE;
use yew::prelude::*;

/// A collapsible table of every transition, straight from [`TABLE`].
#[component]
pub fn TransitionTable() -> Html {
    let _timed = super::Timed::new("conflab:c:TransitionTable");
    html! {
        <details class="card table">
            <summary>{"How the status changes (the state machine's own table)"}</summary>
            <table>
                <thead><tr><th>{"From"}</th><th>{"When"}</th><th>{"Reported"}</th></tr></thead>
                <tbody>
                    { for TABLE.iter().map(|row| html! {
                        <tr>
                            <td>{row.from.map_or("(new)", |s| s.as_str())}</td>
                            <td>{row.trigger.label()}</td>
                            <td>
                                { if row.steps.is_empty() { "no change".to_owned() }
                                  else { row.steps.iter().map(|s| s.to.as_str()).collect::<Vec<_>>().join(" → ") } }
                                if let Some(choice) = row.sandbox_choice {
                                    <span class="choice" title={choice}>{"sandbox choice"}</span>
                                }
                            </td>
                        </tr>
                    }) }
                    <tr><td>{"terminated"}</td><td>{"anything"}</td><td>{"rejected: terminated is final"}</td></tr>
                </tbody>
            </table>
        </details>
    }
}
