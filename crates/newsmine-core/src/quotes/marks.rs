//! Quotation marks: which marks open, which close, and the quoted spans they pair into.
//!
//! Two levels are paired separately: double marks (“ ” " „ « » ‟ and the typewriter pairs `''`
//! and ``` `` ```) and single marks (‘ ’ ' ‚ ‹ ›). Whether a mark opens or closes is decided by its
//! neighbours first (a mark after a space and before a letter opens, whatever its glyph, which also
//! covers German „…“ and typos like ”Mr.), by its glyph second, and for a straight `"` with no
//! clue by whether a quote is open. Single marks are quotes only where they are not apostrophes
//! (it’s, ’90s, rock ’n’ roll) and pair within one paragraph; double quotes may run on over
//! paragraphs by the usual convention (a paragraph ends inside the quote and the next one opens
//! with a mark). An unclosed quote never runs past its paragraph.
use crate::text::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Double,
    Single,
}

/// A quoted span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quoted {
    /// the opening mark
    pub open: Span,
    /// the closing mark; `None` when the quote was never closed and ends with its paragraph
    pub close: Option<Span>,
    /// the quoted text between the marks, trimmed of white space
    pub inner: Span,
    pub level: Level,
    /// the opening marks of the paragraphs the quote continues into
    pub continued: Vec<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Open,
    Close,
    /// no clue from neighbours or glyph (a straight mark between spaces, say)
    Either,
}

#[derive(Clone, Copy, Debug)]
struct Mark {
    span: Span,
    level: Level,
    dir: Dir,
}

/// Limits that keep a quote from running away.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_chars: usize,
    pub max_paragraphs: usize,
}

/// Any char that may be (part of) a quotation mark.
pub fn is_mark_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '`'
            | '“'
            | '”'
            | '„'
            | '‟'
            | '«'
            | '»'
            | '‘'
            | '’'
            | '‚'
            | '‛'
            | '‹'
            | '›'
            | '〝'
            | '〞'
            | '＂'
    )
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

/// Glyph direction: Some(true) opens, Some(false) closes, None says nothing.
fn glyph(c: char) -> Option<bool> {
    match c {
        '“' | '„' | '‟' | '«' | '‘' | '‚' | '‛' | '‹' | '〝' | '`' => Some(true),
        '”' | '»' | '’' | '›' | '〞' => Some(false),
        _ => None,
    }
}

fn level_of(c: char) -> Level {
    match c {
        '\'' | '‘' | '’' | '‚' | '‛' | '‹' | '›' | '`' => Level::Single,
        _ => Level::Double,
    }
}

/// Chars after which an opening mark is expected.
fn opens_after(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => {
            is_space(c)
                || is_mark_char(c)
                || matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':' | ';')
        }
    }
}

/// Chars before which a closing mark is expected.
fn closes_before(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => {
            is_space(c)
                || is_mark_char(c)
                || matches!(
                    c,
                    '.' | ','
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                        | ')'
                        | ']'
                        | '}'
                        | '—'
                        | '–'
                        | '-'
                        | '/'
                        | '…'
                )
        }
    }
}

/// Words that an apostrophe stands in front of ('em, 'til), so the apostrophe is no quote mark.
const ELIDED: [&str; 9] = [
    "em", "til", "cause", "tis", "twas", "bout", "nuff", "round", "n",
];

/// The marks of one paragraph, apostrophes left out.
fn scan(chars: &[char], para: Span) -> Vec<Mark> {
    let mut out = Vec::new();
    let end = para.end.min(chars.len());
    let at = |i: usize| (i >= para.start && i < end).then(|| chars[i]);
    let mut i = para.start;
    while i < end {
        let c = chars[i];
        if !is_mark_char(c) {
            i += 1;
            continue;
        }
        // the typewriter double marks `` and '' are one mark of two chars; in a run of three the
        // single mark is the inner one ('I said no,''' closes the single quote first)
        let prev0 = i.checked_sub(1).and_then(at);
        let three_closing = c == '\''
            && at(i + 1) == Some(c)
            && at(i + 2) == Some(c)
            && prev0.is_some_and(|p| !is_space(p) && p != c);
        let two = at(i + 1) == Some(c) && matches!(c, '\'' | '`') && !three_closing;
        let len = if two { 2 } else { 1 };
        let level = if two { Level::Double } else { level_of(c) };
        let prev = i.checked_sub(1).and_then(at);
        let next = at(i + len);
        let span = Span::new(i, i + len);
        i += len;
        if level == Level::Single && is_apostrophe(chars, span, prev, next, end) {
            // rock ’n’ roll: skip the second mark too
            if matches!(next, Some('n' | 'N')) && at(span.end + 1).is_some_and(is_mark_char) {
                i = span.end + 2;
            }
            continue;
        }
        let can_open = next.is_some_and(|n| !is_space(n)) && opens_after(prev);
        let can_close = prev.is_some_and(|p| !is_space(p)) && closes_before(next);
        let g = if two {
            (c == '`').then_some(true)
        } else {
            glyph(c)
        };
        let dir = match (can_open, can_close, g) {
            (true, false, _) => Dir::Open,
            (false, true, _) => Dir::Close,
            (_, _, Some(true)) => Dir::Open,
            (_, _, Some(false)) => Dir::Close,
            _ => Dir::Either,
        };
        // a straight single mark with no side to it is no quote mark
        if level == Level::Single && dir == Dir::Either {
            continue;
        }
        out.push(Mark { span, level, dir });
    }
    out
}

/// Whether a single mark is an apostrophe: inside a word (it’s, O’Brien), before a decade (’90s)
/// or an elided word (’em, ’n’).
fn is_apostrophe(
    chars: &[char],
    span: Span,
    prev: Option<char>,
    next: Option<char>,
    end: usize,
) -> bool {
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    if letter(prev) && letter(next) {
        return true;
    }
    if letter(prev) {
        return false; // a closing mark or a plural possessive (soldiers’): pairing decides
    }
    // the word after the mark, in lower case
    let word: String = chars[span.end.min(end)..end]
        .iter()
        .take_while(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect();
    if word.len() >= 2 && word.chars().take(2).all(|c| c.is_ascii_digit()) {
        // ’90s, '16: a decade or a year; a quoted number would be followed by more digits
        let digits = word.chars().take_while(char::is_ascii_digit).count();
        return digits == 2;
    }
    let after_word = chars.get(span.end + word.chars().count()).copied();
    // "’n’" is elided only with its closing mark ("rock ’n’ roll"), not before "not" or "now"
    let n_ok = word != "n" || after_word.is_some_and(is_mark_char);
    ELIDED.contains(&word.as_str()) && after_word.is_none_or(|c| !c.is_alphanumeric()) && n_ok
}

/// Finds the quoted spans of a text, given its paragraphs (sorted, disjoint).
pub fn find(chars: &[char], paragraphs: &[Span], limits: Limits) -> Vec<Quoted> {
    let marks: Vec<Vec<Mark>> = paragraphs.iter().map(|&p| scan(chars, p)).collect();
    let mut out = pair_doubles(chars, paragraphs, &marks, limits);
    let doubles: Vec<Span> = out
        .iter()
        .map(|q| Span::new(q.open.start, q.close.map_or(q.inner.end, |c| c.end)))
        .collect();
    // (the double quotes are sorted and disjoint: a binary search finds the one around a mark)
    let inside_double = |m: &Mark| {
        let k = doubles.partition_point(|d| d.start <= m.span.start);
        k > 0 && doubles[k - 1].contains(&m.span)
    };
    for para_marks in &marks {
        let singles: Vec<Mark> = para_marks
            .iter()
            .filter(|m| m.level == Level::Single && !inside_double(m))
            .copied()
            .collect();
        pair_singles(chars, &singles, limits, &mut out);
    }
    // quotes inside quotes are not statements of their own; sorted by start (outer first), a
    // quote is inside another exactly when it ends before the furthest end seen so far
    out.sort_by_key(|q| (q.open.start, std::cmp::Reverse(q.inner.end)));
    let mut kept: Vec<Quoted> = Vec::with_capacity(out.len());
    let mut furthest = 0;
    for q in out {
        if kept.is_empty() || q.inner.end > furthest {
            furthest = q.inner.end;
            kept.push(q);
        }
    }
    kept
}

struct Opened {
    mark: Span,
    para: usize,
    continued: Vec<Span>,
}

fn pair_doubles(
    chars: &[char],
    paragraphs: &[Span],
    marks: &[Vec<Mark>],
    limits: Limits,
) -> Vec<Quoted> {
    let mut out = Vec::new();
    let mut open: Option<Opened> = None;
    for (p, para) in paragraphs.iter().enumerate() {
        let doubles: Vec<&Mark> = marks[p]
            .iter()
            .filter(|m| m.level == Level::Double)
            .collect();
        let mut rest = doubles.as_slice();
        if let Some(mut st) = open.take() {
            // the previous paragraph ended inside a quote: it goes on only if this one opens with a mark
            let first = first_non_space(chars, *para);
            match rest.first() {
                Some(m)
                    if m.span.start == first
                        && m.dir != Dir::Close
                        && p - st.para < limits.max_paragraphs =>
                {
                    st.continued.push(m.span);
                    open = Some(st);
                    rest = &rest[1..];
                }
                _ => finish_unclosed(
                    chars,
                    paragraphs,
                    st,
                    paragraphs[p - 1].end,
                    limits,
                    &mut out,
                ),
            }
        }
        for m in rest {
            let dir = match m.dir {
                Dir::Either if open.is_some() => Dir::Close,
                Dir::Either => Dir::Open,
                d => d,
            };
            match dir {
                Dir::Open => {
                    if let Some(st) = open.take() {
                        // two openers in a row: the first was never closed
                        finish_unclosed(chars, paragraphs, st, m.span.start, limits, &mut out);
                    }
                    open = Some(Opened {
                        mark: m.span,
                        para: p,
                        continued: Vec::new(),
                    });
                }
                _ => {
                    if let Some(st) = open.take() {
                        push(
                            chars,
                            &mut out,
                            st,
                            Some(m.span),
                            m.span.start,
                            Level::Double,
                            limits,
                        );
                    }
                    // else a stray closing mark (inches, a typo): ignored
                }
            }
        }
    }
    if let (Some(st), Some(last)) = (open, paragraphs.last()) {
        finish_unclosed(chars, paragraphs, st, last.end, limits, &mut out);
    }
    out
}

/// A quote left open at `end`: kept (to `end`) only where it plainly starts a statement, at its
/// paragraph's start or after a colon or comma; otherwise the mark was a stray one.
fn finish_unclosed(
    chars: &[char],
    paragraphs: &[Span],
    st: Opened,
    end: usize,
    limits: Limits,
    out: &mut Vec<Quoted>,
) {
    let para = paragraphs[st.para];
    let before = chars[para.start..st.mark.start]
        .iter()
        .rev()
        .find(|c| !is_space(**c))
        .copied();
    if matches!(before, None | Some(':' | ',')) {
        push(chars, out, st, None, end, Level::Double, limits);
    }
}

fn push(
    chars: &[char],
    out: &mut Vec<Quoted>,
    st: Opened,
    close: Option<Span>,
    end: usize,
    level: Level,
    limits: Limits,
) {
    let inner = trim(chars, Span::new(st.mark.end, end));
    if !inner.is_empty() && inner.len() <= limits.max_chars {
        out.push(Quoted {
            open: st.mark,
            close,
            inner,
            level,
            continued: st.continued,
        });
    }
}

fn pair_singles(chars: &[char], marks: &[Mark], limits: Limits, out: &mut Vec<Quoted>) {
    let mut open: Option<Span> = None;
    for (k, m) in marks.iter().enumerate() {
        match m.dir {
            Dir::Open => open = Some(m.span),
            Dir::Close | Dir::Either => {
                let Some(o) = open else {
                    if m.dir == Dir::Either {
                        open = Some(m.span);
                    }
                    continue;
                };
                // "the players’ union’": a plural possessive before a lower-case word, with another
                // closing mark to come, is not the end of the quote
                if possessive(chars, m.span)
                    && marks[k + 1..]
                        .iter()
                        .take_while(|n| n.dir != Dir::Open)
                        .next()
                        .is_some()
                {
                    continue;
                }
                open = None;
                let st = Opened {
                    mark: o,
                    para: 0,
                    continued: Vec::new(),
                };
                push(
                    chars,
                    out,
                    st,
                    Some(m.span),
                    m.span.start,
                    Level::Single,
                    limits,
                );
            }
        }
    }
}

/// A mark after "s" and before a space and a lower-case letter (the soldiers’ lives).
fn possessive(chars: &[char], mark: Span) -> bool {
    let at = |i: usize| chars.get(i).copied();
    mark.start > 0
        && at(mark.start - 1) == Some('s')
        && at(mark.end).is_some_and(is_space)
        && at(mark.end + 1).is_some_and(char::is_lowercase)
}

fn first_non_space(chars: &[char], span: Span) -> usize {
    (span.start..span.end.min(chars.len()))
        .find(|&i| !is_space(chars[i]))
        .unwrap_or(span.end)
}

fn trim(chars: &[char], span: Span) -> Span {
    let end = span.end.min(chars.len());
    let mut s = span.start.min(end);
    let mut e = end;
    while s < e && is_space(chars[s]) {
        s += 1;
    }
    while e > s && is_space(chars[e - 1]) {
        e -= 1;
    }
    Span::new(s, e)
}

/// Is a statement's text direct speech: does it start or end with a quotation mark (not an
/// apostrophe), or lie mostly inside quotation marks? The evaluation classifies gold and
/// predicted statements by it, and the quote tagger its rows.
pub fn is_direct(text: &str) -> bool {
    let t = text.trim();
    let is_mark = |c: Option<char>| c.is_some_and(|c| is_mark_char(c) && c != '\'');
    if is_mark(t.chars().next()) || is_mark(t.chars().last()) {
        return true;
    }
    let chars: Vec<char> = t.chars().collect();
    if chars.is_empty() {
        return false;
    }
    let quoted: usize = find(
        &chars,
        &[Span::new(0, chars.len())],
        Limits {
            max_chars: usize::MAX,
            max_paragraphs: 1,
        },
    )
    .iter()
    .map(|q| q.inner.len())
    .sum();
    2 * quoted >= chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_chars: 5000,
        max_paragraphs: 10,
    };

    /// Quoted inner texts, paragraphs at blank lines.
    fn quotes(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut paras = Vec::new();
        let mut start = 0;
        let s: String = chars.iter().collect();
        for part in s.split("\n\n") {
            let n = part.chars().count();
            paras.push(Span::new(start, start + n));
            start += n + 2;
        }
        find(&chars, &paras, LIMITS)
            .iter()
            .map(|q| chars[q.inner.start..q.inner.end].iter().collect())
            .collect()
    }

    #[test]
    fn styles() {
        assert_eq!(quotes("He said “yes, sir,” and left."), ["yes, sir,"]);
        assert_eq!(quotes("He said \"yes\" and \"no\"."), ["yes", "no"]);
        assert_eq!(quotes("Er sagte „ja“ und ging."), ["ja"]);
        assert_eq!(quotes("Il a dit « oui » hier."), ["oui"]);
        assert_eq!(quotes("She said ‹non› twice."), ["non"]);
        assert_eq!(quotes("They said ‘Still Valid’ today."), ["Still Valid"]);
        assert_eq!(
            quotes("this finding: ''27 companies reported it.''"),
            ["27 companies reported it."]
        );
        assert_eq!(
            quotes("”Mr. Trump embodies racism.” ― Sonya"),
            ["Mr. Trump embodies racism."]
        );
    }

    #[test]
    fn apostrophes_are_not_marks() {
        assert!(
            quotes("It’s the ’90s and rock ’n’ roll, isn't it? The soldiers’ lives.").is_empty()
        );
        assert_eq!(
            quotes("“It’s the ’90s,” he said of rock 'n' roll."),
            ["It’s the ’90s,"]
        );
        assert_eq!(
            quotes("He called it ‘the players’ union’ then."),
            ["the players’ union"]
        );
    }

    #[test]
    fn nesting_and_paragraphs() {
        assert_eq!(
            quotes("“He told me ‘no’ twice,” she said."),
            ["He told me ‘no’ twice,"]
        );
        assert_eq!(
            quotes("“First part.\n\n“Second part,” he said."),
            ["First part.\n\n“Second part,"]
        );
        // an unclosed quote at a paragraph start ends with its paragraph
        assert_eq!(
            quotes("“Unclosed here.\n\nNext paragraph."),
            ["Unclosed here."]
        );
        // a stray mark mid-sentence is dropped, not run to the end
        assert!(
            quotes("He is 6\" tall and \nmore").is_empty() || quotes("He is 6\" tall").is_empty()
        );
    }

    #[test]
    fn never_panics() {
        let marks = [
            '"', '\'', '`', '“', '”', '„', '«', '»', '‘', '’', '‹', '›', ' ', 'a', '\n', ',',
        ];
        let mut seed = 7u64;
        for _ in 0..2000 {
            let len = (seed % 40) as usize;
            let s: String = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    marks[(seed >> 33) as usize % marks.len()]
                })
                .collect();
            let _ = quotes(&s);
        }
    }
}
