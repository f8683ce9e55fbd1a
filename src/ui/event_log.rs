//! The event log as it happens: every line of the sandbox's typed log, rendered from its [`Entry`] (webhooks with
//! the app's answer, REST calls with their status, conference and call statuses, what is heard, notes, errors).
//!
//! * **Views**: flat (the log in order), by conference, by call ([`crate::why::groups::Groups`], kept in a
//!   component-local index extended with [`Groups::sync`] as the log grows, never rebuilt per frame).
//! * **Filters**: kinds, text and id ([`Filter`]); the text is looked for in each line's lowered search text
//!   ([`Search`], extended as the log grows like the groups), and typing on narrows the last result.
//! * **Details**: a webhook line opens to its URL, headers (`FreeClimb-Signature` among them), body and the app's
//!   answer; an API line to its request and response. Only an open line renders its details.
//! * **Virtualised**: a 10,000-line log renders only the rows around the scroll position (plus a margin) between
//!   two spacers. Collapsed rows have a fixed height ([`ROW_H`]); an open row's extra height is measured after it
//!   renders and counted in the spacers.
//!
//! Other views reach a line through [`reveal`]: the lifecycle diagram's link to the webhook that reported a
//! transition shows that line here, opened.

use super::live::Live;
use crate::engine::log::{Entry, LogLine};
use crate::engine::media::{MediaChange, Sound};
use crate::page::{call_name, format_at};
use crate::why::groups::{Filter, Groups, Kind};
use crate::why::search::Search;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

/// The height of a collapsed row, in CSS pixels (static/why.css gives `#events > li` this height).
pub const ROW_H: f64 = 24.0;
/// Rows rendered beyond the visible ones, above and below: a jump renders about 90 rows.
const OVERSCAN: usize = 30;
/// Rows kept above the visible ones while following the newest line (appending to a keyed list costs only the
/// new rows): with the visible ones, about the newest 85 lines exist.
const FOLLOW_ABOVE: usize = 60;
/// The list's height before it is measured.
const DEFAULT_VIEWPORT: f64 = 540.0;
/// The group index of a line in the flat view.
const FLAT: u32 = u32::MAX;
/// The group index of the lines about no group of the view.
const OTHER: u32 = u32::MAX - 1;

/// How the log is arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    Flat,
    ByConference,
    ByCall,
}

impl View {
    const ALL: [View; 3] = [View::Flat, View::ByConference, View::ByCall];

    fn name(self) -> &'static str {
        match self {
            View::Flat => "flat",
            View::ByConference => "conference",
            View::ByCall => "call",
        }
    }

    fn label(self) -> &'static str {
        match self {
            View::Flat => "Flat",
            View::ByConference => "By conference",
            View::ByCall => "By call",
        }
    }
}

/// A line as placed in a view: the same log line can sit under two groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    group: u32,
    ix: usize,
}

/// One row of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row {
    /// A group's title: its index in the view's groups (or [`OTHER`]), lines shown and lines in all.
    Head {
        group: u32,
        shown: usize,
        total: usize,
    },
    /// A log line.
    Line(Key),
}

/// What the rows were computed from.
#[derive(Clone, PartialEq)]
struct CacheKey {
    generation: u64,
    len: usize,
    view: View,
    filter: Filter,
    collapsed: BTreeSet<String>,
}

/// The view's state, kept across renders without causing them (changes re-render through a force update).
struct Ui {
    view: View,
    filter: Filter,
    /// Groups folded to their title.
    collapsed: BTreeSet<String>,
    /// Open rows.
    expanded: BTreeSet<Key>,
    /// Measured extra height of open rows (beyond [`ROW_H`]).
    extras: BTreeMap<Key, f64>,
    scroll_top: f64,
    viewport: f64,
    /// Whether `viewport` was measured.
    measured: bool,
    /// Kept at the newest line as the log grows (the list is scrolled to its end).
    follow: bool,
    /// A log line to scroll into view after the next render.
    reveal: Option<usize>,
    /// The rows rendered last: `start..end`.
    window: (usize, usize),
    cache: Option<(CacheKey, Rc<Vec<Row>>)>,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            view: View::Flat,
            filter: Filter::all(),
            collapsed: BTreeSet::new(),
            expanded: BTreeSet::new(),
            extras: BTreeMap::new(),
            scroll_top: 0.0,
            viewport: DEFAULT_VIEWPORT,
            measured: false,
            follow: true,
            reveal: None,
            window: (0, 0),
            cache: None,
        }
    }
}

impl Ui {
    /// Open rows with their extra heights, by position in `rows`, in order.
    fn open_positions(&self, rows: &[Row]) -> Vec<(usize, f64)> {
        if self.expanded.is_empty() {
            return Vec::new();
        }
        rows.iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                Row::Line(k) if self.expanded.contains(k) => {
                    Some((i, self.extras.get(k).copied().unwrap_or(0.0)))
                }
                _ => None,
            })
            .collect()
    }

    /// The rows to render (`start..end`) for `rows`, and the spacers above and below.
    fn window(&self, rows: &[Row]) -> (usize, usize, f64, f64) {
        let n = rows.len();
        let open = self.open_positions(rows);
        let visible = (self.viewport / ROW_H).ceil() as usize + 1;
        let first = if self.follow {
            n.saturating_sub(visible)
        } else {
            row_at(self.scroll_top, &open).min(n.saturating_sub(1))
        };
        let start = first.saturating_sub(if self.follow { FOLLOW_ABOVE } else { OVERSCAN });
        let end = (first + visible + OVERSCAN).min(n);
        let offset = |i: usize| {
            i as f64 * ROW_H
                + open
                    .iter()
                    .take_while(|(p, _)| *p < i)
                    .map(|(_, e)| e)
                    .sum::<f64>()
        };
        let above = offset(start);
        let below = (offset(n) - offset(end)).max(0.0);
        (start, end, above, below)
    }
}

/// The row at height `y` of the list, given the open rows (position, extra height) in order.
fn row_at(y: f64, open: &[(usize, f64)]) -> usize {
    let mut extra = 0.0;
    for &(p, e) in open {
        let top = p as f64 * ROW_H + extra;
        if y < top {
            break;
        }
        if y < top + ROW_H + e {
            return p;
        }
        extra += e;
    }
    ((y - extra).max(0.0) / ROW_H) as usize
}

/// The rows of `view` for `log` through `groups`, filtered.
fn rows(
    log: &[LogLine],
    groups: &Groups,
    search: &Search,
    view: View,
    filter: &Filter,
    collapsed: &BTreeSet<String>,
) -> Vec<Row> {
    let list = match view {
        View::Flat => {
            return groups
                .filtered_with(log, filter, Some(search))
                .into_iter()
                .map(|ix| Row::Line(Key { group: FLAT, ix }))
                .collect();
        }
        View::ByConference => groups.conferences(),
        View::ByCall => groups.calls(),
    };
    // The id is looked up in the index once; the rest of the filter runs per line.
    let allowed: Option<&[usize]> = filter.id.as_deref().map(|id| groups.lines_of(id));
    let pass = |ix: usize| {
        allowed.is_none_or(|a| a.binary_search(&ix).is_ok()) && filter.passes(log, ix, Some(search))
    };
    let mut out = Vec::new();
    let mut grouped = vec![false; log.len()];
    let section = |out: &mut Vec<Row>, group: u32, id: &str, lines: &[usize]| {
        let shown: Vec<usize> = lines.iter().copied().filter(|&ix| pass(ix)).collect();
        if shown.is_empty() {
            return;
        }
        out.push(Row::Head {
            group,
            shown: shown.len(),
            total: lines.len(),
        });
        if !collapsed.contains(id) {
            out.extend(shown.into_iter().map(|ix| Row::Line(Key { group, ix })));
        }
    };
    for (g, group) in list.iter().enumerate() {
        for &ix in &group.lines {
            if let Some(seen) = grouped.get_mut(ix) {
                *seen = true;
            }
        }
        section(
            &mut out,
            u32::try_from(g).unwrap_or(OTHER - 1),
            &group.id,
            &group.lines,
        );
    }
    let other: Vec<usize> = (0..log.len()).filter(|&ix| !grouped[ix]).collect();
    section(&mut out, OTHER, "", &other);
    out
}

/// Whether the rows for `next` are those of `previous` that also contain `next`'s text: the same flat log and
/// filter, with a text that contains the previous one.
fn narrows(previous: &CacheKey, next: &CacheKey) -> bool {
    let (old, new) = (previous.filter.text_filter(), next.filter.text_filter());
    previous.view == View::Flat
        && next.view == View::Flat
        && (previous.generation, previous.len) == (next.generation, next.len)
        && previous.filter.kinds == next.filter.kinds
        && previous.filter.id == next.filter.id
        && !old.is_empty()
        && new.len() > old.len()
        && new.contains(old)
}

thread_local! {

    /// How [`reveal`] reaches the mounted log.
    static REVEAL: RefCell<Option<Callback<usize>>> = const { RefCell::new(None) };
}

/// Shows log line `ix` in the mounted event log: the flat view without filters, that line opened and scrolled
/// into view. Does nothing when no log is mounted.
pub fn reveal(ix: usize) {
    let callback = REVEAL.with(|r| r.borrow().clone());
    if let Some(callback) = callback {
        callback.emit(ix);
    }
}

/// Properties of [`EventLog`].
#[derive(Clone, PartialEq, Properties)]
pub struct Props {
    /// The page's sandbox.
    pub live: Live,
}

/// The log: its views, filters and the virtualised list, kept scrolled to the newest line unless the user
/// scrolled away.
#[component]
pub fn EventLog(props: &Props) -> Html {
    let _timed = super::Timed::new("conflab:c:EventLog");
    let list = use_node_ref();
    let groups = use_mut_ref(Groups::new);
    let search = use_mut_ref(Search::new);
    let ui = use_mut_ref(Ui::default);
    let update = use_force_update();
    let sandbox = props.live.borrow();
    let log = sandbox.log();
    let generation = sandbox.generation();
    groups.borrow_mut().sync(log, generation);
    // The search text is kept only while it serves: from the moment the text field takes the focus (before the
    // first key) while a text filter is on. Rebuilding it at every rewind would cost each one.
    if !ui.borrow().filter.text_filter().is_empty() {
        search.borrow_mut().sync(log, generation);
    }

    {
        let (ui, update) = (ui.clone(), update.clone());
        use_effect_with((), move |_| {
            let reveal_line = Callback::from(move |ix: usize| {
                {
                    let mut ui = ui.borrow_mut();
                    ui.view = View::Flat;
                    ui.filter = Filter::all();
                    ui.follow = false;
                    ui.expanded.insert(Key { group: FLAT, ix });
                    ui.scroll_top = (ix as f64 * ROW_H - ui.viewport / 3.0).max(0.0);
                    ui.reveal = Some(ix);
                }
                update.force_update();
            });
            REVEAL.with(|r| *r.borrow_mut() = Some(reveal_line));
            || REVEAL.with(|r| *r.borrow_mut() = None)
        });
    }
    // After every render: scroll where asked (a revealed line, or the end while following), and measure what
    // only the browser knows (the list's height, open rows' heights).
    {
        let (list, ui) = (list.clone(), ui.clone());
        use_effect(move || {
            if let Some(el) = list.cast::<Element>() {
                let mut ui = ui.borrow_mut();
                // Reading a size forces a layout before the frame's own: the list's height is read once here
                // (then on each scroll), open rows' only while some are open.
                if !ui.measured {
                    let height = f64::from(el.client_height());
                    if height > 0.0 {
                        ui.viewport = height;
                        ui.measured = true;
                    }
                }
                let opened = if ui.expanded.is_empty() {
                    None
                } else {
                    el.query_selector_all("li.event.open").ok()
                };
                for i in 0..opened.as_ref().map_or(0, |o| o.length()) {
                    let li = opened.as_ref().and_then(|o| o.item(i));
                    let Some(li) = li.and_then(|n| n.dyn_into::<HtmlElement>().ok()) else {
                        continue;
                    };
                    let attr = |name: &str| li.get_attribute(name).unwrap_or_default();
                    if let (Ok(group), Ok(ix)) =
                        (attr("data-group-ix").parse(), attr("data-line").parse())
                    {
                        let extra = (f64::from(li.offset_height()) - ROW_H).max(0.0);
                        ui.extras.insert(Key { group, ix }, extra);
                    }
                }
                if let Some(ix) = ui.reveal.take() {
                    let line = el
                        .query_selector(&format!(r#"li.event[data-line="{ix}"]"#))
                        .ok()
                        .flatten();
                    if let Some(line) = line {
                        line.scroll_into_view();
                    }
                } else if ui.follow {
                    // At the next frame, not now: reading the list's height here forced a layout of the whole
                    // page in the middle of the render (about 10 ms with 100 calls live, `./x bench page`), and
                    // the frame laid it out again. In a frame callback the one layout serves both.
                    follow_at_next_frame(el);
                }
            }
        });
    }

    let mut state = ui.borrow_mut();
    let key = CacheKey {
        generation,
        len: log.len(),
        view: state.view,
        filter: state.filter.clone(),
        collapsed: state.collapsed.clone(),
    };
    let rows = match &state.cache {
        Some((k, rows)) if *k == key => rows.clone(),
        // Typing on in the flat view only narrows: the new text's lines are among the last result's.
        Some((k, previous)) if narrows(k, &key) => {
            let search = search.borrow();
            let rows: Rc<Vec<Row>> = Rc::new(
                previous
                    .iter()
                    .copied()
                    .filter(|r| match r {
                        // The rows already hold only the id's lines.
                        Row::Line(k) => key.filter.passes(log, k.ix, Some(&search)),
                        Row::Head { .. } => false,
                    })
                    .collect(),
            );
            state.cache = Some((key, rows.clone()));
            rows
        }
        _ => {
            let rows = Rc::new(rows(
                log,
                &groups.borrow(),
                &search.borrow(),
                state.view,
                &state.filter,
                &state.collapsed,
            ));
            state.cache = Some((key, rows.clone()));
            rows
        }
    };
    let (start, end, above, below) = state.window(&rows);
    state.window = (start, end);
    let view = state.view;
    let filter = state.filter.clone();
    let expanded = state.expanded.clone();
    let collapsed = state.collapsed.clone();
    drop(state);

    let on_scroll = {
        let (ui, update, rows) = (ui.clone(), update.clone(), rows.clone());
        Callback::from(move |e: Event| {
            let el: Element = e.target_unchecked_into();
            let needs_render = {
                let mut ui = ui.borrow_mut();
                let top = f64::from(el.scroll_top());
                let height = f64::from(el.client_height());
                let follow = top + height + 2.0 >= f64::from(el.scroll_height());
                let was_following = ui.follow;
                ui.scroll_top = top;
                if height > 0.0 {
                    ui.viewport = height;
                    ui.measured = true;
                }
                ui.follow = follow;
                let (start, end) = ui.window;
                let (want_start, want_end, _, _) = ui.window(&rows);
                // Re-render only when the rendered rows stop covering the view with half a margin to spare.
                follow != was_following
                    || (want_start < start)
                    || (want_end > end)
                    || (want_start > start + OVERSCAN / 2 && start + OVERSCAN < rows.len())
                    || (want_end + OVERSCAN / 2 < end)
            };
            if needs_render {
                update.force_update();
            }
        })
    };
    let set = |change: Rc<dyn Fn(&mut Ui)>| {
        let (ui, update) = (ui.clone(), update.clone());
        move || {
            change(&mut ui.borrow_mut());
            update.force_update();
        }
    };
    let toggle_line = {
        move |key: Key| {
            let f = set(Rc::new(move |ui: &mut Ui| {
                if !ui.expanded.remove(&key) {
                    ui.expanded.insert(key);
                }
            }));
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                f();
            })
        }
    };
    let view_button = |v: View| {
        let f = set(Rc::new(move |ui: &mut Ui| {
            ui.view = v;
            ui.expanded.clear();
            ui.extras.clear();
        }));
        html! {
            <button type="button" class="small" data-view={v.name()} aria-pressed={(view == v).to_string()}
                    onclick={Callback::from(move |_: MouseEvent| f())}>{v.label()}</button>
        }
    };
    let kind_box = |k: Kind| {
        let (ui, update) = (ui.clone(), update.clone());
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            {
                let mut ui = ui.borrow_mut();
                let kinds = if input.checked() {
                    ui.filter.kinds.with(k)
                } else {
                    ui.filter.kinds.without(k)
                };
                ui.filter = ui.filter.clone().kinds(kinds);
            }
            update.force_update();
        });
        html! {
            <label class="check"><input type="checkbox" data-kind={k.as_str()} checked={filter.kinds.contains(k)}
                {onchange} />{k.as_str()}</label>
        }
    };
    let on_text_focus = {
        let (search, live) = (search.clone(), props.live.clone());
        Callback::from(move |_: FocusEvent| {
            let sandbox = live.borrow();
            search
                .borrow_mut()
                .sync(sandbox.log(), sandbox.generation());
        })
    };
    let on_text = {
        let (ui, update) = (ui.clone(), update.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            {
                let mut ui = ui.borrow_mut();
                ui.filter = ui.filter.clone().text(&input.value());
            }
            update.force_update();
        })
    };
    let set_id = {
        let (ui, update) = (ui.clone(), update.clone());
        Rc::new(move |id: String| {
            {
                let mut ui = ui.borrow_mut();
                let id = id.trim().to_owned();
                ui.filter.id = (!id.is_empty()).then_some(id);
            }
            update.force_update();
        })
    };
    let on_id = {
        let set_id = set_id.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            set_id(input.value());
        })
    };

    let statuses = groups
        .borrow()
        .conferences()
        .iter()
        .flat_map(|g| &g.lines)
        .filter(|&&ix| {
            matches!(
                log.get(ix).map(|l| &l.entry),
                Some(Entry::Conference { .. })
            )
        })
        .count();
    let engine = sandbox.engine();
    let index = groups.borrow();
    let head = |group: u32, shown: usize, total: usize| -> Html {
        let id = match (view, group) {
            (_, OTHER) => None,
            (View::ByConference, g) => index.conferences().get(g as usize).map(|g| &g.id),
            (View::ByCall, g) => index.calls().get(g as usize).map(|g| &g.id),
            (View::Flat, _) => None,
        };
        let folded = id.is_some_and(|id| collapsed.contains(id));
        let title = match (view, id) {
            (View::ByConference, Some(id)) => match engine.conference_alias(id) {
                Some(alias) => format!("{alias} · {}", short(id)),
                None => short(id),
            },
            (View::ByCall, Some(id)) => format!("{} · {}", call_name(engine, id), short(id)),
            _ => match view {
                View::ByConference => "About no conference".to_owned(),
                _ => "About no call".to_owned(),
            },
        };
        let fold = id.map(|id| {
            let id = id.clone();
            let f = set(Rc::new(move |ui: &mut Ui| {
                if !ui.collapsed.remove(&id) {
                    ui.collapsed.insert(id.clone());
                }
            }));
            Callback::from(move |_: MouseEvent| f())
        });
        let only = id.map(|id| {
            let (id, set_id) = (id.clone(), set_id.clone());
            Callback::from(move |_: MouseEvent| set_id(id.clone()))
        });
        html! {
            <li key={format!("h{group}")} class="group-head" data-group={id.cloned().unwrap_or_default()} data-count={shown.to_string()}>
                if let Some(fold) = fold {
                    <button type="button" class="fold" aria-expanded={(!folded).to_string()} onclick={fold}
                            aria-label={format!("Fold {title}")}>{ if folded { "▸" } else { "▾" } }</button>
                }
                <strong title={id.cloned().unwrap_or_default()}>{title.clone()}</strong>
                <span class="count">{ if shown == total { format!("{total} lines") } else { format!("{shown} of {total} lines") } }</span>
                if let Some(only) = only {
                    <button type="button" class="small only" onclick={only}>{"Only this"}</button>
                }
            </li>
        }
    };
    let account = &sandbox.engine().config().account;
    let copy = CopyContext {
        steps: &sandbox.scenario().steps,
        account_id: &account.account_id,
        api_key: &account.api_key,
    };
    html! {
        <section class="card log" aria-labelledby="events-title">
            <h2 id="events-title">{format!("Event log ({} lines, {statuses} conference status changes)", log.len())}</h2>
            <div class="log-tools">
                <div class="log-views" role="group" aria-label="Arrange the log">
                    { for View::ALL.into_iter().map(view_button) }
                </div>
                <div class="log-kinds" role="group" aria-label="Kinds shown">
                    { for Kind::ALL.into_iter().map(kind_box) }
                </div>
                <div class="log-search">
                    <input id="log-text" type="search" placeholder="text" autocomplete="off" aria-label="Show lines containing"
                           oninput={on_text} onfocus={on_text_focus} />
                    <input id="log-id" type="search" placeholder="CA… or CF… id" autocomplete="off" aria-label="Show lines about this id"
                           value={filter.id.clone().unwrap_or_default()} oninput={on_id} />
                </div>
            </div>
            if log.is_empty() {
                <p class="hint">{"What FreeClimb does appears here as it happens: webhooks, API calls, status changes, what is heard."}</p>
            }
            <ol id="events" ref={list} data-lines={log.len().to_string()} data-rows={rows.len().to_string()}
                data-view={view.name()} data-filter={filter.text_filter().to_owned()} onscroll={on_scroll}>
                <li class="spacer" aria-hidden="true" style={format!("height:{above}px")}></li>
                { for rows[start..end].iter().enumerate().map(|(i, row)| match *row {
                    Row::Head { group, shown, total } => head(group, shown, total),
                    Row::Line(key) => match log.get(key.ix) {
                        Some(l) => line(l, key, start + i, expanded.contains(&key), toggle_line(key), &copy),
                        None => html! {},
                    },
                }) }
                <li class="spacer" aria-hidden="true" style={format!("height:{below}px")}></li>
            </ol>
        </section>
    }
}

/// A short id for reading (`CF1a2b3c…`).
fn short(id: &str) -> String {
    format!("{}…", &id[..id.len().min(8)])
}

/// What a media change is, in a few words.
fn media_text(change: &MediaChange) -> String {
    match change {
        MediaChange::Play { call_id, sound, .. } => {
            let what = match sound {
                Sound::Say { text, .. } => format!("says “{text}”"),
                Sound::Play { file } | Sound::EarlyMedia { file } => format!("plays {file}"),
                Sound::Silence => "pauses".to_owned(),
                Sound::Digits { digits } => format!("sends digits {digits}"),
            };
            format!("to {}: {what}", short(call_id))
        }
        MediaChange::Stop { call_id } => format!("prompt to {} stops", short(call_id)),
        MediaChange::Join {
            conference_id,
            call_id,
            talk,
            listen,
        } => format!(
            "{} joins {}'s mix (talk {talk}, listen {listen})",
            short(call_id),
            short(conference_id)
        ),
        MediaChange::Leave {
            conference_id,
            call_id,
        } => format!("{} leaves {}'s mix", short(call_id), short(conference_id)),
        MediaChange::Privileges {
            conference_id,
            call_id,
            talk,
            listen,
        } => format!(
            "{} in {}: talk {talk}, listen {listen}",
            short(call_id),
            short(conference_id)
        ),
        MediaChange::Beep { conference_id, .. } => format!("beep in {}", short(conference_id)),
        MediaChange::WaitMusic {
            conference_id, on, ..
        } => format!(
            "wait music {} in {}",
            if *on { "on" } else { "off" },
            short(conference_id)
        ),
        MediaChange::Recording {
            recording_id, on, ..
        } => format!(
            "recording {} {}",
            short(recording_id),
            if *on { "starts" } else { "stops" }
        ),
        MediaChange::Dtmf { from, digits, .. } => {
            format!("keys {digits} from {} pass through", short(from))
        }
    }
}

/// A body for reading: pretty JSON when it is JSON, else as sent.
fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_owned())
}

/// Scrolls `list` to its end at the next animation frame (a scroll position past the end is clamped to it).
fn follow_at_next_frame(list: Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let scroll = wasm_bindgen::closure::Closure::once_into_js(move || {
        list.set_scroll_top(i32::MAX);
    });
    let _ = window.request_animation_frame(scroll.unchecked_ref());
}

/// What Copy as needs of the session: the steps (an API line's request body is in its step) and the account.
struct CopyContext<'s> {
    steps: &'s [crate::scenario::Step],
    account_id: &'s str,
    api_key: &'s str,
}

/// What an open webhook or API line shows.
fn details(l: &LogLine, copy: &CopyContext<'_>) -> Html {
    match &l.entry {
        Entry::Webhook(w) => html! {
            <div class="detail">
                <p><span class="label">{"POST"}</span><code class="url">{w.url.clone()}</code>
                    if w.expects_percl { <span class="badge" title="the answer is read as PerCL">{"expects PerCL"}</span> }</p>
                <table class="headers">
                    <tbody>
                        { for w.headers.iter().map(|(k, v)| html! {
                            <tr data-header={k.clone()}><th>{k.clone()}</th><td><code>{v.clone()}</code></td></tr>
                        }) }
                    </tbody>
                </table>
                <p class="label">{"Body"}</p>
                <pre class="body" tabindex="0">{pretty(w.body.raw())}</pre>
                <p class="label">{format!("The app answered {}{}", w.response.status,
                    if w.response.delay_ms > 0 { format!(" after {} ms", w.response.delay_ms) } else { String::new() })}</p>
                <pre class="answer" tabindex="0" data-status={w.response.status.to_string()}>
                    { if w.response.body.is_empty() { "(no body)".to_owned() } else { pretty(&w.response.body) } }</pre>
            </div>
        },
        Entry::Api(a) => html! {
            <div class="detail">
                <p><span class="label">{"Request"}</span><code class="method">{a.method.clone()}</code>{" "}<code class="url">{a.path.clone()}</code></p>
                if let Some(request) = crate::api::console::request_of_line(copy.steps, l.at, a, copy.account_id) {
                    <super::copy_as::CopyAs {request} account_id={copy.account_id.to_owned()}
                                            api_key={copy.api_key.to_owned()} />
                }
                <p class="label">{format!("Response {}", a.status)}</p>
                <pre class="response" tabindex="0" data-status={a.status.to_string()}>
                    { a.response.as_deref().map_or_else(|| "(no body)".to_owned(), pretty) }</pre>
            </div>
        },
        _ => html! {},
    }
}

/// One line: its row `row` in the list, opened or not.
fn line(
    l: &LogLine,
    key: Key,
    row: usize,
    open: bool,
    toggle: Callback<MouseEvent>,
    copy: &CopyContext<'_>,
) -> Html {
    let kind = l.kind();
    let body = match &l.entry {
        Entry::Webhook(w) => html! {
            <>
                <span class="request-type">{w.request_type.as_str()}</span>
                <span class="url">{w.url.clone()}</span>
                <span class="reply" data-status={w.response.status.to_string()}>{format!("→ {}", w.response.status)}</span>
            </>
        },
        Entry::Api(a) => html! {
            <>
                <span class="method">{a.method.clone()}</span>
                <span class="url">{a.path.clone()}</span>
                <span class={classes!("reply", (a.status >= 400).then_some("refused"))}
                      data-status={a.status.to_string()}>{format!("→ {}", a.status)}</span>
            </>
        },
        Entry::Conference {
            conference_id,
            status,
            why,
            sandbox_choice,
        } => html! {
            <>
                <span class="which">{short(conference_id)}</span>
                <span class="status" data-status={status.as_str()}>{status.as_str()}</span>
                <span class="text">{why.clone()}</span>
                if let Some(choice) = sandbox_choice {
                    <span class="choice" title={format!("FreeClimb's sources are silent or disagree here; conflab's rule: {choice}")}>{"sandbox choice"}</span>
                }
            </>
        },
        Entry::Call {
            call_id,
            status,
            reason,
        } => html! {
            <>
                <span class="which">{short(call_id)}</span>
                <span class="status" data-status={status.as_str()}>{status.as_str()}</span>
                if let Some(r) = reason.filter(|_| status.is_final()) { <span class="text">{r.as_str()}</span> }
            </>
        },
        Entry::Media(change) => html! { <span class="text">{media_text(change)}</span> },
        Entry::Note { text, .. } => html! { <span class="text">{text.clone()}</span> },
        Entry::Error { message, .. } => html! { <span class="text">{message.clone()}</span> },
        Entry::Fetch(x) => html! {
            <>
                <span class="which">{short(&x.conference_id)}</span>
                <span class="text">{format!("{} {} ({}) → HTTP {}", x.method, x.url, x.purpose, x.response.status)}</span>
            </>
        },
        Entry::World(change) => {
            html! { <span class="text">{crate::page::world_text(change)}</span> }
        }
    };
    let (to, request_type, status) = match &l.entry {
        Entry::Conference { status, .. } => (Some(status.as_str()), None, None),
        Entry::Call { status, .. } => (Some(status.as_str()), None, None),
        Entry::Webhook(w) => (
            None,
            Some(w.request_type.as_str()),
            Some(w.response.status.to_string()),
        ),
        Entry::Api(a) => (None, None, Some(a.status.to_string())),
        _ => (None, None, None),
    };
    let expandable = matches!(l.entry, Entry::Webhook(_) | Entry::Api(_));
    let head = html! {
        <>
            <time>{format_at(l.at)}</time>
            <span class="kind">{kind}</span>
            {body}
        </>
    };
    html! {
        <li key={format!("l{}-{}", key.group, key.ix)}
            class={classes!("event", kind, (row % 2 == 1).then_some("odd"), open.then_some("open"))}
            data-kind={kind} data-to={to} data-request-type={request_type} data-http-status={status}
            data-line={key.ix.to_string()} data-group-ix={key.group.to_string()} data-row={row.to_string()}>
            if expandable {
                <details open={open}>
                    <summary onclick={toggle}>{head}</summary>
                    if open { {details(l, copy)} }
                </details>
            } else {
                {head}
            }
        </li>
    }
}
