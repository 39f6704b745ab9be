//! Paragraphs, sentences and tokens with char offsets.
//!
//! A hand-written, single-pass scanner (linear in the text):
//! 1. lines: the text cut at line breaks and at skipped (junk) spans, each trimmed;
//! 2. paragraphs: blocks between blank lines, split further where each line is a paragraph of its
//!    own (news `.txt` often puts one paragraph per line), kept whole where the text is hard-wrapped;
//! 3. tokens per paragraph (words, numbers, abbreviations, punctuation, possessive `’s`);
//! 4. sentences: decided on the tokens, so that "U.S." or "Mr." never look like a full stop.
use super::{Doc, Sentence, Span, Token};

/// Blocks whose longest line is outside this range are never hard-wrapped prose: longer lines are
/// one-line paragraphs, and blocks of short lines are lists, addresses or page widgets.
const MIN_WRAP_WIDTH: usize = 30;
const MAX_WRAP_WIDTH: usize = 120;

/// Fills `doc.paragraphs`, `doc.sentences` and `doc.tokens` from `doc.text()`, skipping
/// `doc.skipped`.
pub fn segment(doc: &mut Doc) {
    let chars: Vec<char> = doc.text().chars().collect();
    let skip = skip_mask(chars.len(), &doc.skipped);
    doc.paragraphs.clear();
    doc.sentences.clear();
    doc.tokens.clear();
    for para in paragraphs(&lines(&chars, &skip)) {
        let tokens = tokenize(&chars, para);
        if tokens.is_empty() {
            continue;
        }
        let p = doc.paragraphs.len();
        doc.paragraphs.push(para);
        for range in sentence_ranges(&chars, &tokens) {
            let sentence = doc.sentences.len();
            let span = Span::new(
                tokens[range.start].span.start,
                tokens[range.end - 1].span.end,
            );
            doc.sentences.push(Sentence { span, paragraph: p });
            doc.tokens.extend(tokens[range].iter().map(|t| Token {
                span: t.span,
                sentence,
            }));
        }
    }
}

fn skip_mask(len: usize, skipped: &[(Span, &'static str)]) -> Vec<bool> {
    let mut mask = vec![false; len];
    for (span, _) in skipped {
        let end = span.end.min(len);
        if span.start < end {
            mask[span.start..end].iter_mut().for_each(|m| *m = true);
        }
    }
    mask
}

// ---------------------------------------------------------------------------------------------
// Characters

/// Whitespace for trimming: Unicode whitespace, control characters and invisible separators.
fn is_space(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}')
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Chars that belong to the char before them: combining marks, joiners, variation selectors,
/// emoji skin tones and tags. Keeps "é" (e + U+0301) and emoji sequences in one token.
fn is_extend(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x06E7..=0x06E8 | 0x06EA..=0x06ED
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957 | 0x0962..=0x0963
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200C..=0x200D | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
        || c == '\u{00AD}'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_extend(c)
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// Sentence-final marks of several scripts, besides '.', '!' and '?'.
fn is_other_terminal(c: char) -> bool {
    matches!(
        c,
        '։' | '。' | '！' | '？' | '؟' | '।' | '॥' | '‼' | '⁇' | '⁈' | '⁉' | '\u{037E}' | '።'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '“' | '‘' | '«' | '‹' | '„' | '‚' | '¿' | '¡'
    )
}

/// Opening quotation marks: a quote that opens after an abbreviation starts a new sentence.
fn is_opening_quote(c: char) -> bool {
    matches!(c, '“' | '«' | '„' | '"')
}

fn is_closer(c: char) -> bool {
    matches!(c, ')' | ']' | '}' | '”' | '’' | '»' | '›' | '"' | '\'')
}

// ---------------------------------------------------------------------------------------------
// Lines and paragraphs

/// A non-blank line, trimmed. `break_before`: a blank line, a junk span, a paragraph separator or
/// the start of the text comes before it.
#[derive(Clone, Copy, Debug)]
struct Line {
    span: Span,
    indent: usize,
    break_before: bool,
    /// ends with sentence-final punctuation (or a colon), closing quotes aside
    ends_sentence: bool,
    starts_lower: bool,
    /// starts with a list bullet ("- ", "• ")
    bullet: bool,
}

impl Line {
    fn len(&self) -> usize {
        self.span.len()
    }
}

fn lines(chars: &[char], skip: &[bool]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut hard_break = true;
    let mut breaks = 0; // line breaks since the last non-blank line
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if skip[i] {
            hard_break = true;
            i += 1;
        } else if is_line_break(c) {
            // "\r\n" is one break
            if !(c == '\n' && i > 0 && chars[i - 1] == '\r') {
                breaks += 1;
            }
            hard_break |= matches!(c, '\u{0C}' | '\u{2029}');
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !skip[i] && !is_line_break(chars[i]) {
                i += 1;
            }
            let span = trim(chars, Span::new(start, i));
            if !span.is_empty() {
                let break_before = hard_break || breaks >= 2;
                out.push(line(chars, span, span.start - start, break_before));
                hard_break = false;
                breaks = 0;
            }
        }
    }
    out
}

fn line(chars: &[char], span: Span, indent: usize, break_before: bool) -> Line {
    let text = &chars[span.start..span.end];
    let core_end = text
        .iter()
        .rposition(|c| !is_closer(*c))
        .map_or(0, |p| p + 1);
    let last = core_end.checked_sub(1).map(|p| text[p]);
    let ends_sentence =
        last.is_some_and(|c| matches!(c, '.' | '!' | '?' | '…' | ':') || is_other_terminal(c));
    let bullet = matches!(text, [b, s, ..] if matches!(b, '-' | '*' | '•' | '–' | '—' | '·' | '▪' | '►') && is_space(*s));
    Line {
        span,
        indent,
        break_before,
        ends_sentence,
        starts_lower: text[0].is_lowercase(),
        bullet,
    }
}

fn trim(chars: &[char], span: Span) -> Span {
    let mut s = span.start;
    let mut e = span.end;
    while s < e && is_space(chars[s]) {
        s += 1;
    }
    while e > s && is_space(chars[e - 1]) {
        e -= 1;
    }
    Span::new(s, e)
}

/// Paragraph spans from lines: blocks between hard breaks, each split into paragraphs.
fn paragraphs(lines: &[Line]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut block_start = 0;
    for i in 1..=lines.len() {
        if i == lines.len() || lines[i].break_before {
            split_block(&lines[block_start..i], &mut out);
            block_start = i;
        }
    }
    out
}

/// One block of consecutive lines. Hard-wrapped text (short lines, at least one line that clearly
/// runs on into the next) is joined, breaking only after a short last line or before an indented
/// or bulleted one; otherwise every line is a paragraph.
fn split_block(block: &[Line], out: &mut Vec<Span>) {
    let Some(first) = block.first() else { return };
    let width = block.iter().map(Line::len).max().unwrap_or(0);
    let wrapped = (MIN_WRAP_WIDTH..=MAX_WRAP_WIDTH).contains(&width)
        && block.windows(2).any(|w| runs_on(&w[0], &w[1], width));
    let mut para = first.span;
    for w in block.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let joined = wrapped && !is_short(a, width) && b.indent <= a.indent && !b.bullet;
        if joined {
            para.end = b.span.end;
        } else {
            out.push(para);
            para = b.span;
        }
    }
    out.push(para);
}

fn is_short(line: &Line, width: usize) -> bool {
    line.len() * 5 < width * 3
}

/// A long line that does not end a sentence, or a line followed by one starting in lowercase:
/// the mark of hard-wrapped text.
fn runs_on(a: &Line, b: &Line, width: usize) -> bool {
    !is_short(a, width) && (!a.ends_sentence || b.starts_lower)
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    Number,
    /// '.', '!', '?' (or a run of them, "?!"), and other scripts' full stops
    Terminal,
    /// "..." or "…"
    Ellipsis,
    Opener,
    Closer,
    Other,
}

/// Whether a word with an attached '.' can end a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Abbrev {
    None,
    /// precedes a name or number ("Mr.", "Gen.", "No. 5", "e.g."): never ends a sentence
    Title,
    /// may end one ("U.S.", "Inc.", "J."): ends it only before a typical sentence opener
    Weak,
    /// usually ends a phrase ("etc."): ends the sentence like a full stop would
    Final,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    span: Span,
    kind: Kind,
    abbrev: Abbrev,
}

/// Tokens of one paragraph span.
fn tokenize(chars: &[char], para: Span) -> Vec<Tok> {
    let mut toks = Vec::new();
    let end = para.end.min(chars.len());
    let mut i = para.start;
    while i < end {
        let c = chars[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        let tok = if starts_word(chars, i, end) {
            scan_word(chars, i, end)
        } else {
            scan_punct(chars, i, end)
        };
        i = tok.span.end;
        toks.push(tok);
    }
    toks
}

fn starts_word(chars: &[char], i: usize, end: usize) -> bool {
    let c = chars[i];
    // "@handle" and "#hashtag" are one token
    c.is_alphanumeric() || (matches!(c, '@' | '#') && i + 1 < end && chars[i + 1].is_alphanumeric())
}

/// A possessive or "is" clitic: an apostrophe right after a word, then "s" and no more letters.
fn is_clitic_s(chars: &[char], i: usize, end: usize) -> bool {
    is_apostrophe(chars[i])
        && i + 1 < end
        && matches!(chars[i + 1], 's' | 'S')
        && (i + 2 >= end || !is_word_char(chars[i + 2]))
}

fn scan_word(chars: &[char], start: usize, end: usize) -> Tok {
    let mut j = start + 1;
    let abbrev = loop {
        while j < end && is_word_char(chars[j]) {
            j += 1;
        }
        if j + 1 < end && joins_word(chars, j, end) {
            j += 1;
            continue;
        }
        let period_follows = j < end && chars[j] == '.' && !(j + 1 < end && chars[j + 1] == '.');
        let abbrev = if period_follows {
            abbreviation(chars, Span::new(start, j), end)
        } else {
            Abbrev::None
        };
        if abbrev == Abbrev::None {
            break abbrev;
        }
        j += 1;
        // "U.S.-led": the abbreviation goes on as a hyphenated word
        if j + 1 < end && is_hyphen(chars[j]) && chars[j + 1].is_alphanumeric() {
            j += 1;
            continue;
        }
        break abbrev;
    };
    let kind = if chars[start].is_numeric() {
        Kind::Number
    } else {
        Kind::Word
    };
    Tok {
        span: Span::new(start, j),
        kind,
        abbrev,
    }
}

/// Whether the char at `j` (not a word char) joins the word before it with the one after it.
fn joins_word(chars: &[char], j: usize, end: usize) -> bool {
    let (prev, c, next) = (chars[j - 1], chars[j], chars[j + 1]);
    match c {
        _ if is_hyphen(c) => next.is_alphanumeric(),
        // 3.5, 2,000, 1.000,50
        '.' | ',' if prev.is_numeric() && next.is_numeric() => true,
        // U.S, a.m, rferl.org
        '.' => next.is_alphanumeric(),
        // O'Brien, they're; but "Russia’s" splits off "’s"
        _ if is_apostrophe(c) => next.is_alphabetic() && !is_clitic_s(chars, j, end),
        // AT&T
        '&' => prev.is_uppercase() && next.is_uppercase(),
        // e-mail addresses
        '@' => next.is_alphanumeric(),
        _ => false,
    }
}

/// Abbreviations that name a person's title or precede a name: never sentence-final.
const TITLE_ABBREVS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Mme", "Mmes", "Dr", "Drs", "Prof", "Gen", "Gens", "Sen", "Sens",
    "Rep", "Reps", "Gov", "Govs", "Lt", "Col", "Maj", "Capt", "Sgt", "Cpl", "Pvt", "Cmdr", "Adm",
    "Brig", "Pres", "Rev", "Hon", "Fr", "Amb", "Supt", "Insp", "Det", "Mt", "Ft", "e.g", "i.e",
    "cf", "vs", "v", "viz", "approx", "ca",
];

/// Abbreviations that are followed by a number ("No. 5", "Art. 12"); a plain word otherwise.
const NUMBER_ABBREVS: &[&str] = &[
    "No", "Nos", "no", "nos", "Nr", "nr", "Art", "art", "Fig", "fig", "Figs", "Vol", "vol", "p",
    "pp", "Sec", "sec",
];

/// Abbreviations that may end a sentence.
const WEAK_ABBREVS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon",
    "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Inc", "Corp", "Ltd", "Co", "Bros",
    "Plc", "Jr", "Sr", "St", "Ste", "Ave", "Blvd", "Rd", "Dept", "Univ", "Assn", "al", "est",
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Kans",
    "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore",
    "Pa", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo",
];

fn span_eq(chars: &[char], span: Span, word: &str) -> bool {
    chars[span.start..span.end].iter().copied().eq(word.chars())
}

fn in_list(chars: &[char], span: Span, list: &[&str]) -> bool {
    list.iter().any(|w| span_eq(chars, span, w))
}

/// How the word at `word` reads with a '.' right after it.
fn abbreviation(chars: &[char], word: Span, end: usize) -> Abbrev {
    let text = &chars[word.start..word.end];
    if in_list(chars, word, TITLE_ABBREVS) {
        return Abbrev::Title;
    }
    if in_list(chars, word, NUMBER_ABBREVS) {
        let next = chars[word.end + 1..end].iter().find(|c| !is_space(**c));
        return if next.is_some_and(|c| c.is_ascii_digit()) {
            Abbrev::Title
        } else {
            Abbrev::None
        };
    }
    if span_eq(chars, word, "etc") {
        return Abbrev::Final;
    }
    if in_list(chars, word, WEAK_ABBREVS) || is_initial(text) || is_initialism(text) {
        return Abbrev::Weak;
    }
    Abbrev::None
}

/// "J" of "J. R. R. Tolkien".
fn is_initial(word: &[char]) -> bool {
    matches!(word, [c] if c.is_uppercase())
}

/// "U.S", "a.m", "Ph.D": dotted letters in short pieces (the final '.' is not part of `word`).
fn is_initialism(word: &[char]) -> bool {
    // initialisms are short; the bound also keeps "A.-B.-C.-…" chains linear
    if word.len() > 12 {
        return false;
    }
    let pieces: Vec<&[char]> = word.split(|c| *c == '.').collect();
    pieces.len() >= 2
        && pieces
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.iter().all(|c| c.is_alphabetic()))
}

fn scan_punct(chars: &[char], start: usize, end: usize) -> Tok {
    let c = chars[start];
    let run_end = |pred: &dyn Fn(char) -> bool| {
        let mut j = start + 1;
        while j < end && pred(chars[j]) {
            j += 1;
        }
        j
    };
    let (j, kind) = if is_apostrophe(c)
        && start > 0
        && !is_space(chars[start - 1])
        && is_clitic_s(chars, start, end)
    {
        (start + 2, Kind::Word)
    } else if matches!(c, '.' | '!' | '?') {
        let j = run_end(&|d| matches!(d, '.' | '!' | '?'));
        let dots_only = chars[start..j].iter().all(|d| *d == '.');
        (
            j,
            if dots_only && j - start >= 2 {
                Kind::Ellipsis
            } else {
                Kind::Terminal
            },
        )
    } else if c == '…' {
        (run_end(&|d| d == '…' || d == '.'), Kind::Ellipsis)
    } else if is_other_terminal(c) {
        (run_end(&is_other_terminal), Kind::Terminal)
    } else if is_hyphen(c) || c == '—' || c == '–' {
        (run_end(&|d| d == c), Kind::Other)
    } else {
        let kind = if is_opener(c) {
            Kind::Opener
        } else if is_closer(c) {
            Kind::Closer
        } else {
            Kind::Other
        };
        (extend_cluster(chars, start, end), kind)
    };
    Tok {
        span: Span::new(start, j),
        kind,
        abbrev: Abbrev::None,
    }
}

/// End of the symbol starting at `start`: an emoji with its modifiers and joined parts, a flag
/// (two regional indicators), or a char with its combining marks.
fn extend_cluster(chars: &[char], start: usize, end: usize) -> usize {
    let mut j = start + 1;
    if is_regional_indicator(chars[start]) && j < end && is_regional_indicator(chars[j]) {
        return j + 1;
    }
    while j < end && is_extend(chars[j]) {
        // a zero-width joiner glues the next symbol on ("👨‍👩‍👧")
        let joins = chars[j] == '\u{200D}' && j + 1 < end && !is_space(chars[j + 1]);
        j += if joins { 2 } else { 1 };
    }
    j.min(end)
}

// ---------------------------------------------------------------------------------------------
// Sentences

/// Capitalised words that typically open a sentence: after a "weak" abbreviation ("U.S.", "Inc.",
/// an initial) a sentence ends only before one of these ("in the U.S. The next day…" but
/// "U.S. President Donald Trump").
const SENTENCE_OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "In",
    "On",
    "At",
    "For",
    "With",
    "As",
    "After",
    "Before",
    "When",
    "While",
    "If",
    "Although",
    "Though",
    "However",
    "Meanwhile",
    "Also",
    "Still",
    "Then",
    "Now",
    "Today",
    "Yesterday",
    "Some",
    "Many",
    "Most",
    "All",
    "Both",
    "Each",
    "What",
    "Why",
    "How",
    "Where",
    "Who",
    "Which",
    "Since",
    "Because",
    "Despite",
    "During",
    "Under",
    "According",
    "Earlier",
    "Later",
    "Last",
    "Next",
    "Instead",
    "Officials",
    "Critics",
];

/// Token index ranges of the sentences of one paragraph.
fn sentence_ranges(chars: &[char], toks: &[Tok]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while k < toks.len() {
        let tok = toks[k];
        let is_end_candidate =
            matches!(tok.kind, Kind::Terminal | Kind::Ellipsis) || tok.abbrev != Abbrev::None;
        if !is_end_candidate {
            k += 1;
            continue;
        }
        let last = absorb_closers(toks, k);
        let closed = last > k;
        let ends = match (tok.kind, tok.abbrev) {
            (_, Abbrev::Title) => false,
            (Kind::Terminal, _) => {
                !is_list_marker(chars, &toks[start..k]) && strong_end(chars, toks, last + 1)
            }
            (_, Abbrev::Final) => strong_end(chars, toks, last + 1),
            (_, Abbrev::Weak) if closed => strong_end(chars, toks, last + 1),
            _ => weak_end(chars, toks, last + 1),
        };
        if ends {
            push_sentence(&mut out, toks, start..last + 1);
            start = last + 1;
        }
        k = last + 1;
    }
    if start < toks.len() {
        push_sentence(&mut out, toks, start..toks.len());
    }
    out
}

/// Adds a sentence, or joins it to the one before when it is only punctuation: a stray quote or
/// full stop after a sentence (`event. '`) belongs to it rather than standing alone.
fn push_sentence(
    out: &mut Vec<std::ops::Range<usize>>,
    toks: &[Tok],
    range: std::ops::Range<usize>,
) {
    let has_words = toks[range.clone()]
        .iter()
        .any(|t| matches!(t.kind, Kind::Word | Kind::Number));
    match out.last_mut() {
        Some(prev) if !has_words => prev.end = range.end,
        _ => out.push(range),
    }
}

/// Index of the last closing quote, bracket or further stop that follows token `k` without a
/// space (`said.”`, `decision?".`).
fn absorb_closers(toks: &[Tok], k: usize) -> usize {
    let mut last = k;
    while let Some(next) = toks.get(last + 1) {
        let closing = matches!(next.kind, Kind::Closer | Kind::Terminal | Kind::Ellipsis);
        if !closing || next.span.start != toks[last].span.end {
            break;
        }
        last += 1;
    }
    last
}

/// "1." at the start of a sentence is a list number, not a sentence.
fn is_list_marker(chars: &[char], before: &[Tok]) -> bool {
    matches!(before, [t] if t.kind == Kind::Number && t.span.len() <= 2 && chars[t.span.start].is_ascii_digit())
}

/// After '.', '!' or '?': a sentence ends unless the next word goes on in lowercase (`“Stop.” he
/// said`) or the next token is a comma-like mark.
fn strong_end(chars: &[char], toks: &[Tok], next: usize) -> bool {
    let Some(tok) = toks.get(next) else {
        return true;
    };
    let first = chars[tok.span.start];
    if matches!(first, ',' | ';' | ':') || starts_lower(chars, tok) {
        return false;
    }
    if tok.kind == Kind::Opener || tok.kind == Kind::Closer {
        // `. "and then`: a quote that continues in lowercase
        return !toks.get(next + 1).is_some_and(|t| starts_lower(chars, t));
    }
    true
}

/// After an ellipsis or an abbreviation that may end a sentence: ends only before a typical
/// sentence opener or an opening quotation mark.
fn weak_end(chars: &[char], toks: &[Tok], next: usize) -> bool {
    let Some(tok) = toks.get(next) else {
        return true;
    };
    let first = chars[tok.span.start];
    (tok.span.len() == 1 && is_opening_quote(first))
        || (tok.kind == Kind::Word && in_list(chars, tok.span, SENTENCE_OPENERS))
}

fn starts_lower(chars: &[char], tok: &Tok) -> bool {
    tok.kind == Kind::Word && chars[tok.span.start].is_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc {
        let mut doc = Doc::new(text);
        segment(&mut doc);
        doc
    }

    fn texts(d: &Doc, spans: impl Iterator<Item = Span>) -> Vec<String> {
        spans.map(|s| d.slice(s).to_owned()).collect()
    }

    fn sentences(text: &str) -> Vec<String> {
        let d = doc(text);
        texts(&d, d.sentences.iter().map(|s| s.span))
    }

    fn tokens(text: &str) -> Vec<String> {
        let d = doc(text);
        texts(&d, d.tokens.iter().map(|t| t.span))
    }

    fn paragraphs(text: &str) -> Vec<String> {
        let d = doc(text);
        texts(&d, d.paragraphs.iter().copied())
    }

    #[test]
    fn empty_and_blank_texts() {
        for text in ["", " ", "\n\n", "\r\n\t \u{200B}"] {
            let d = doc(text);
            assert!(
                d.paragraphs.is_empty() && d.sentences.is_empty() && d.tokens.is_empty(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(
            paragraphs("One.\n\n  Two.  \n\n\nThree."),
            ["One.", "Two.", "Three."]
        );
        assert_eq!(paragraphs("One.\r\n\r\nTwo."), ["One.", "Two."]);
    }

    #[test]
    fn one_paragraph_per_line() {
        let text = "Title Of The Story\nThe first paragraph is here and it ends.\nThe second one follows it.";
        assert_eq!(paragraphs(text).len(), 3);
    }

    #[test]
    fn hard_wrapped_text_is_joined() {
        let text = "The statement came ahead of the fifth anniversary of the November 2020\n\
                    ceasefire agreement between the leaders of Russia, Azerbaijan, and\n\
                    Armenia, which ended six weeks of fighting.\n\
                    \x20 A second paragraph starts with an indent and runs on for a while\n\
                    before it ends here.";
        let paras = paragraphs(text);
        assert_eq!(paras.len(), 2, "{paras:#?}");
        assert!(paras[0].ends_with("fighting."));
        assert!(paras[1].starts_with("A second"));
    }

    #[test]
    fn skipped_spans_are_excluded_and_break_paragraphs() {
        let text = "Caption here\nCaption here\nBody text.";
        let mut d = Doc::new(text);
        d.skipped = vec![(Span::new(13, 25), "repeated_line")];
        segment(&mut d);
        assert_eq!(
            texts(&d, d.paragraphs.iter().copied()),
            ["Caption here", "Body text."]
        );
        assert!(d
            .tokens
            .iter()
            .all(|t| !t.span.overlaps(&Span::new(13, 25))));
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let text = "Mr. Smith met Gen. Jones and Sen. Brown on Jan. 5 at 3 p.m. in St. Louis. They talked.";
        assert_eq!(
            sentences(text),
            [
                "Mr. Smith met Gen. Jones and Sen. Brown on Jan. 5 at 3 p.m. in St. Louis.",
                "They talked."
            ]
        );
        let text = "Apple Inc. said profits rose 3.5 percent vs. last year. Shares fell.";
        assert_eq!(sentences(text).len(), 2);
    }

    #[test]
    fn initials_and_initialisms() {
        assert_eq!(
            sentences("J. R. R. Tolkien wrote it. He was British.").len(),
            2
        );
        let text = "It was signed in the presence of U.S. President Donald Trump. Talks went on.";
        assert_eq!(
            sentences(text),
            [
                "It was signed in the presence of U.S. President Donald Trump.",
                "Talks went on."
            ]
        );
        assert_eq!(
            sentences("Prices rose in the U.S. The U.K. did better.").len(),
            2
        );
    }

    #[test]
    fn quotes_close_sentences() {
        let text = "“We are ready,” he said. “It is valid.” The ministry agreed.";
        assert_eq!(
            sentences(text),
            [
                "“We are ready,” he said.",
                "“It is valid.”",
                "The ministry agreed."
            ]
        );
        let text = "“Stop.” he said. “Why?” she asked.";
        assert_eq!(sentences(text), ["“Stop.” he said.", "“Why?” she asked."]);
        assert_eq!(
            sentences("He said \"go.\" Then left."),
            ["He said \"go.\"", "Then left."]
        );
    }

    #[test]
    fn ellipses_and_other_marks() {
        assert_eq!(
            sentences("We waited... and left. Wait… The end!? Yes."),
            ["We waited... and left.", "Wait…", "The end!?", "Yes."]
        );
        assert_eq!(
            sentences("Wait... Trump said no."),
            ["Wait... Trump said no."]
        );
        assert_eq!(sentences("第一句。第二句！"), ["第一句。", "第二句！"]);
    }

    #[test]
    fn list_numbers() {
        assert_eq!(
            sentences("1. The first point is here."),
            ["1. The first point is here."]
        );
    }

    #[test]
    fn stray_punctuation_joins_the_sentence_before() {
        assert_eq!(
            sentences("He asked \"why?\". \"No,\" she said."),
            ["He asked \"why?\".", "\"No,\" she said."]
        );
        assert_eq!(sentences("It ended. '"), ["It ended. '"]);
        assert_eq!(
            sentences("Books, films etc. Much better."),
            ["Books, films etc.", "Much better."]
        );
    }

    #[test]
    fn token_shapes() {
        assert_eq!(
            tokens("Russia’s U.S.-led Nagorno-Karabakh 2,000 troops, 3.5% (TRIPP) don't O'Brien's"),
            [
                "Russia",
                "’s",
                "U.S.-led",
                "Nagorno-Karabakh",
                "2,000",
                "troops",
                ",",
                "3.5",
                "%",
                "(",
                "TRIPP",
                ")",
                "don't",
                "O'Brien",
                "'s"
            ]
        );
        assert_eq!(
            tokens("Mr. Dr. e.g. a.m. rferl.org @rferl #news"),
            ["Mr.", "Dr.", "e.g.", "a.m.", "rferl.org", "@rferl", "#news"]
        );
        assert_eq!(
            tokens("soldiers’ lives.”"),
            ["soldiers", "’", "lives", ".", "”"]
        );
        assert_eq!(tokens("No. 5 and no."), ["No.", "5", "and", "no", "."]);
    }

    #[test]
    fn emoji_and_multibyte_offsets() {
        let text = "Hi 👍🏽 and 👨‍👩‍👧 🇺🇸 Հայաստան e\u{301}!";
        let d = doc(text);
        let toks = texts(&d, d.tokens.iter().map(|t| t.span));
        assert_eq!(
            toks,
            ["Hi", "👍🏽", "and", "👨‍👩‍👧", "🇺🇸", "Հայաստան", "e\u{301}", "!"]
        );
        assert_eq!(d.tokens[0].span, Span::new(0, 2));
        assert_eq!(d.tokens[1].span, Span::new(3, 5));
    }

    #[test]
    fn indexes_are_consistent() {
        let text = "First one. Second one!\n\nThird “quoted.” Fourth?\nFifth";
        let d = doc(text);
        assert_eq!(d.paragraphs.len(), 3);
        assert_eq!(d.sentences.len(), 5);
        for (i, s) in d.sentences.iter().enumerate() {
            assert!(d.paragraphs[s.paragraph].contains(&s.span));
            let toks = d.sentence_tokens(i);
            assert!(!toks.is_empty());
            assert_eq!(toks[0].span.start, s.span.start);
            assert_eq!(toks[toks.len() - 1].span.end, s.span.end);
        }
        assert!(d
            .tokens
            .windows(2)
            .all(|w| w[0].span.end <= w[1].span.start && w[0].sentence <= w[1].sentence));
    }
}
