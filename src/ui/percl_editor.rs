//! The PerCL editor: a text area checked as you type (debounced), with the problems marked inline and listed
//! with their line:column, JSON pointer and fix; a Format action; and a menu of working examples.
//!
//! The checker is the same `percl::check` the CLI runs. Marks are drawn in a backdrop behind a transparent text
//! area (the text area itself cannot style ranges), and only for the exact text that was checked, so an edit in
//! flight never shows stale marks at wrong places.
//!
//! [`PerclInput`] is the editor itself (text area, marks, problems, example menu, Format) for any script a parent
//! holds: the page's scratch [`PerclEditor`], and each app URL of the world editor.

use crate::percl::{self, Diagnostic, Report, Severity, examples::EXAMPLES};
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use web_sys::{Element, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// How long typing must pause before the script is checked again.
const DEBOUNCE_MS: u32 = 200;

/// A script and what the checker said about it.
#[derive(Debug, PartialEq)]
struct Checked {
    source: String,
    report: Report,
    millis: f64,
}

fn check(source: String, templates: bool) -> Rc<Checked> {
    let start = now();
    let report = if templates {
        crate::scenario::check_app_percl(&source)
    } else {
        percl::check(&source)
    };
    Rc::new(Checked {
        source,
        report,
        millis: now() - start,
    })
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The page's PerCL editor: a scratch script with the example menu and Format.
#[component]
pub fn PerclEditor() -> Html {
    let _timed = super::Timed::new("conflab:c:PerclEditor");
    let source = use_state(|| EXAMPLES[0].script.to_owned());
    let on_change = {
        let source = source.clone();
        Callback::from(move |text: String| source.set(text))
    };
    let hint = html! {
        <p class="hint">{"The script a webhook returns to drive a call. It is checked as you type, exactly as "}<code>{"conflab percl check"}</code>{" does."}</p>
    };
    html! {
        <section class="card percl" aria-labelledby="percl-title">
            <PerclInput id="percl" value={(*source).clone()} {on_change} label="PerCL script" {hint}>
                <h2 id="percl-title">{"PerCL editor"}</h2>
            </PerclInput>
        </section>
    }
}

/// What a [`PerclInput`] edits and how it reports.
#[derive(Properties, PartialEq)]
pub struct PerclInputProps {
    /// The prefix of its elements' ids: `{id}-source`, `{id}-summary`, `{id}-diagnostics`, `{id}-example`,
    /// `{id}-format`.
    pub id: AttrValue,
    /// The script (the parent holds it).
    pub value: String,
    /// Every edit: a keystroke, an example chosen, the formatted form.
    pub on_change: Callback<String>,
    /// The text area's accessible name.
    pub label: AttrValue,
    /// Check it as an app response of a scenario: problems about the content of a string holding a template
    /// (`{{conferenceId}}`) are left to run time, as the scenario reader does.
    #[prop_or(false)]
    pub templates: bool,
    /// Shown under the head row.
    #[prop_or_default]
    pub hint: Html,
    /// The head row's first items (a title).
    #[prop_or_default]
    pub children: Html,
}

/// A PerCL text area checked as you type (debounced), its problems marked inline and listed with their
/// line:column, JSON pointer and fix, with the example menu and Format.
#[component]
pub fn PerclInput(props: &PerclInputProps) -> Html {
    let templates = props.templates;
    let checked = use_state(|| check(props.value.clone(), templates));
    let format_error = use_state(|| None::<String>);
    let pending = use_mut_ref(|| None::<Timeout>);
    let textarea = use_node_ref();
    let backdrop = use_node_ref();
    let id = |suffix: &str| format!("{}-{suffix}", props.id);

    // Checks the value the parent holds once typing pauses. Dropping the previous timeout cancels it: only the
    // last pause in typing runs the checker.
    {
        let (checked, pending) = (checked.clone(), pending.clone());
        use_effect_with(props.value.clone(), move |value| {
            if checked.source != *value {
                let text = value.clone();
                *pending.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                    checked.set(check(text, templates))
                }));
            }
        });
    }
    // Replaces the whole script (an example, or the formatted form) and checks it at once.
    let replace = {
        let (checked, pending, on_change) =
            (checked.clone(), pending.clone(), props.on_change.clone());
        move |text: String| {
            pending.borrow_mut().take();
            checked.set(check(text.clone(), templates));
            on_change.emit(text);
        }
    };
    let oninput = {
        let (on_change, format_error) = (props.on_change.clone(), format_error.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            format_error.set(None);
            on_change.emit(text);
        })
    };
    let onscroll = {
        let backdrop = backdrop.clone();
        Callback::from(move |e: Event| {
            let area = e.target_unchecked_into::<HtmlTextAreaElement>();
            if let Some(b) = backdrop.cast::<Element>() {
                b.set_scroll_top(area.scroll_top());
                b.set_scroll_left(area.scroll_left());
            }
        })
    };
    let on_example = {
        let (replace, format_error) = (replace.clone(), format_error.clone());
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            if let Some(example) = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| EXAMPLES.get(i))
            {
                format_error.set(None);
                replace(example.script.to_owned());
            }
        })
    };
    let on_format = {
        let (source, format_error) = (props.value.clone(), format_error.clone());
        Callback::from(move |_: MouseEvent| match percl::format(&source) {
            Ok(text) => {
                format_error.set(None);
                replace(text);
            }
            Err(report) => format_error.set(Some(format!(
                "Not formatted: fix the {} error{} first.",
                report.errors,
                if report.errors == 1 { "" } else { "s" }
            ))),
        })
    };
    // Selects a problem's place in the text area. Offsets are bytes; the text area counts UTF-16 units.
    let select_range = {
        let (textarea, checked) = (textarea.clone(), checked.clone());
        move |start: usize, end: usize| {
            let Some(area) = textarea.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let text = &checked.source;
            let utf16 = |byte: usize| {
                text.get(..byte.min(text.len()))
                    .map_or(0, |s| s.encode_utf16().count()) as u32
            };
            let _ = area.focus();
            let _ = area.set_selection_range(utf16(start), utf16(end.max(start)));
        }
    };

    let source = &props.value;
    let current = *source == checked.source;
    let report = &checked.report;
    let summary = if report.errors == 0 && report.warnings == 0 {
        "Valid PerCL: no problems.".to_owned()
    } else {
        format!(
            "{} error{}, {} warning{}",
            report.errors,
            plural(report.errors),
            report.warnings,
            plural(report.warnings)
        )
    };
    html! {
        <>
            <div class="percl-head">
                {props.children.clone()}
                <label class="field inline">{"Example"}
                    <select id={id("example")} onchange={on_example}>
                        { for EXAMPLES.iter().enumerate().map(|(i, ex)| html! {
                            <option value={i.to_string()} selected={checked.source == ex.script}>{ex.title}</option>
                        }) }
                    </select>
                </label>
                <button type="button" id={id("format")} onclick={on_format}>{"Format"}</button>
            </div>
            {props.hint.clone()}
            <div class="editor">
                <div class="backdrop" ref={backdrop} aria-hidden="true">
                    { if current { marks(&checked.source, &report.diagnostics) } else { html! { {format!("{source}\n")} } } }
                </div>
                <textarea id={id("source")} ref={textarea} aria-label={props.label.clone()} spellcheck="false"
                          autocomplete="off" aria-invalid={(current && report.errors > 0).to_string()}
                          aria-describedby={id("summary")} value={source.clone()} {oninput} {onscroll} />
            </div>
            <p id={id("summary")} class={classes!("percl-summary", if report.errors > 0 { "bad" } else { "good" })}
               role="status" data-errors={report.errors.to_string()} data-warnings={report.warnings.to_string()}
               data-checked-bytes={checked.source.len().to_string()}>
                {summary}
                <span class="timing">{format!(" · {} bytes checked in {:.1} ms", checked.source.len(), checked.millis)}</span>
                if !current { <span class="timing">{" · checking…"}</span> }
            </p>
            if let Some(message) = &*format_error { <p class="alert" role="alert">{message}</p> }
            <ul id={id("diagnostics")} class="percl-diagnostics" aria-label="PerCL problems">
                { for report.diagnostics.iter().map(|d| {
                    let select_range = select_range.clone();
                    let (start, end) = (d.start, d.end);
                    diagnostic(d, Callback::from(move |_: MouseEvent| select_range(start, end)))
                }) }
            </ul>
        </>
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn diagnostic(d: &Diagnostic, onclick: Callback<MouseEvent>) -> Html {
    let severity = d.severity();
    let pointer = if d.pointer.is_empty() {
        "/".to_owned()
    } else {
        d.pointer.clone()
    };
    html! {
        <li class={classes!("diagnostic", severity.as_str())} data-pointer={pointer.clone()}
            data-line={d.line.to_string()} data-column={d.column.to_string()}>
            <button type="button" class="place" title="Select this place in the script" {onclick}>
                {format!("{}:{}", d.line, d.column)}
            </button>
            <span class="severity">{severity.as_str()}</span>
            <code class="pointer">{pointer}</code>
            <span class="message">{d.message()}</span>
            if let Some(fix) = d.problem.fix() { <span class="fix">{format!("Fix: {fix}")}</span> }
        </li>
    }
}

/// The checked text with each problem's range wrapped in a `<mark>`. Ranges nest (a warning about a whole
/// command holds an error about one of its values), so the text is cut at every range boundary and each piece is
/// marked with the worst severity covering it. A problem at the very end of the text is marked on a space.
fn marks(source: &str, diagnostics: &[Diagnostic]) -> Html {
    let ranges: Vec<(usize, usize, Severity)> = diagnostics
        .iter()
        .map(|d| {
            let start = floor_boundary(source, d.start);
            // An empty range (such as "unexpected end") still gets a visible mark: its next character.
            let end = if d.end > d.start {
                floor_boundary(source, d.end)
            } else {
                next_boundary(source, start)
            };
            (start, end.max(start), d.severity())
        })
        .collect();
    let mut cuts: Vec<usize> = ranges
        .iter()
        .flat_map(|&(start, end, _)| [start, end])
        .chain([0, source.len()])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let worst = |from: usize, to: usize| {
        let covering = ranges
            .iter()
            .filter(|&&(start, end, _)| start <= from && to <= end);
        covering
            .map(|&(_, _, severity)| severity)
            .min_by_key(|&severity| severity != Severity::Error)
    };
    let mut out: Vec<Html> = cuts
        .windows(2)
        .map(|w| match worst(w[0], w[1]) {
            Some(severity) => {
                html! { <mark class={severity.as_str()}>{&source[w[0]..w[1]]}</mark> }
            }
            None => html! { {&source[w[0]..w[1]]} },
        })
        .collect();
    if let Some(&(_, _, severity)) = ranges.iter().find(|&&(start, _, _)| start == source.len()) {
        out.push(html! { <mark class={severity.as_str()}>{" "}</mark> });
    }
    out.push(html! { {"\n"} });
    out.into_iter().collect()
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn next_boundary(s: &str, i: usize) -> usize {
    s[i..].chars().next().map_or(i, |c| i + c.len_utf8())
}
