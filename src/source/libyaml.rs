//! A safe event reader over `libyaml-rs` (libyaml translated to Rust): the same scanner
//! and parser that PyYAML's `CSafeLoader` runs, so that what parses, what fails and how
//! scalars are styled and tagged are PAT's.

use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::ptr::addr_of_mut;

use libyaml_rs as sys;

/// A scalar's style, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// One parser event, with what the composer needs.
#[derive(Debug)]
pub enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        tag: Option<String>,
        value: String,
        style: ScalarStyle,
        plain_implicit: bool,
    },
    SequenceStart {
        anchor: Option<String>,
        tag: Option<String>,
        flow: bool,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        tag: Option<String>,
        flow: bool,
    },
    MappingEnd,
}

/// A 0-based position (line, column in characters, byte or character index).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub column: usize,
}

/// A reader, scanner or parser error as PyYAML reports it.
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub mark: Mark,
    /// For reader errors: the byte offset of the problem (marks are not set then).
    pub offset: Option<usize>,
}

struct Pinned {
    sys: sys::yaml_parser_t,
    // Kept alive (and never moved) for as long as the parser reads it.
    input: Box<[u8]>,
}

/// An event stream over one input.
pub struct Parser {
    pin: Box<MaybeUninit<Pinned>>,
    done: bool,
}

impl Parser {
    /// A parser over raw bytes: the encoding is detected from a byte-order mark (UTF-8,
    /// UTF-16LE/BE), as PyYAML does for a binary stream.
    pub fn new(input: &[u8]) -> Parser {
        let mut pin: Box<MaybeUninit<Pinned>> = Box::new(MaybeUninit::uninit());
        // SAFETY: the parser struct is initialised by `yaml_parser_initialize` before any
        // other use; the input buffer is written first and lives in the same box, which is
        // never moved out of, so the pointer the parser keeps stays valid until `drop`.
        unsafe {
            let p = pin.as_mut_ptr();
            addr_of_mut!((*p).input).write(input.to_vec().into_boxed_slice());
            let parser = addr_of_mut!((*p).sys);
            if sys::yaml_parser_initialize(parser).fail {
                // Only an allocation failure makes initialisation fail.
                std::alloc::handle_alloc_error(std::alloc::Layout::new::<Pinned>());
            }
            let data = &(*p).input;
            sys::yaml_parser_set_input_string(parser, data.as_ptr(), data.len() as u64);
        }
        Parser { pin, done: false }
    }

    fn error(&self) -> ParseError {
        // SAFETY: the parser is initialised (see `new`); libyaml's error strings are
        // static C strings or null.
        unsafe {
            let parser = &(*self.pin.as_ptr()).sys;
            let text = |p: *const i8| {
                if p.is_null() {
                    None
                } else {
                    Some(CStr::from_ptr(p).to_string_lossy().into_owned())
                }
            };
            let problem = text(parser.problem.cast())
                .unwrap_or_else(|| "libyaml failed without an error".to_string());
            let mark = |m: sys::yaml_mark_t| Mark {
                line: m.line as usize,
                column: m.column as usize,
            };
            if parser.error == sys::YAML_READER_ERROR {
                // PyYAML: "unacceptable character #x%04x: <problem>" when a value is known.
                let message = if parser.problem_value != -1 {
                    format!(
                        "unacceptable character #x{:04x}: {problem}",
                        parser.problem_value
                    )
                } else {
                    problem
                };
                return ParseError {
                    message,
                    mark: Mark::default(),
                    offset: Some(parser.problem_offset as usize),
                };
            }
            let message = match text(parser.context.cast()) {
                Some(ctx) => format!("{ctx}: {problem}"),
                None => problem,
            };
            ParseError {
                message,
                mark: mark(parser.problem_mark),
                offset: None,
            }
        }
    }

    /// The next event and where it starts.
    pub fn next_event(&mut self) -> Result<(Event, Mark), ParseError> {
        if self.done {
            return Ok((Event::StreamEnd, Mark::default()));
        }
        let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
        // SAFETY: `yaml_parser_parse` initialises the event on success; it is converted
        // (copying every string out) and deleted before returning.
        unsafe {
            let parser = addr_of_mut!((*self.pin.as_mut_ptr()).sys);
            if (&*parser).error != sys::YAML_NO_ERROR {
                return Err(self.error());
            }
            if sys::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                return Err(self.error());
            }
            let ev = &*event.as_ptr();
            let mark = Mark {
                line: ev.start_mark.line as usize,
                column: ev.start_mark.column as usize,
            };
            let opt = |p: *const u8| {
                if p.is_null() {
                    None
                } else {
                    Some(CStr::from_ptr(p.cast()).to_string_lossy().into_owned())
                }
            };
            let out = match ev.type_ {
                sys::YAML_STREAM_START_EVENT => Event::StreamStart,
                sys::YAML_STREAM_END_EVENT => {
                    self.done = true;
                    Event::StreamEnd
                }
                sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
                sys::YAML_ALIAS_EVENT => Event::Alias {
                    anchor: opt(ev.data.alias.anchor).unwrap_or_default(),
                },
                sys::YAML_SCALAR_EVENT => {
                    let s = ev.data.scalar;
                    let bytes = std::slice::from_raw_parts(s.value, s.length as usize);
                    Event::Scalar {
                        anchor: opt(s.anchor),
                        tag: opt(s.tag),
                        value: String::from_utf8_lossy(bytes).into_owned(),
                        style: match s.style {
                            sys::YAML_SINGLE_QUOTED_SCALAR_STYLE => ScalarStyle::SingleQuoted,
                            sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => ScalarStyle::DoubleQuoted,
                            sys::YAML_LITERAL_SCALAR_STYLE => ScalarStyle::Literal,
                            sys::YAML_FOLDED_SCALAR_STYLE => ScalarStyle::Folded,
                            _ => ScalarStyle::Plain,
                        },
                        plain_implicit: s.plain_implicit,
                    }
                }
                sys::YAML_SEQUENCE_START_EVENT => {
                    let s = ev.data.sequence_start;
                    Event::SequenceStart {
                        anchor: opt(s.anchor),
                        tag: opt(s.tag),
                        flow: s.style == sys::YAML_FLOW_SEQUENCE_STYLE,
                    }
                }
                sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
                sys::YAML_MAPPING_START_EVENT => {
                    let s = ev.data.mapping_start;
                    Event::MappingStart {
                        anchor: opt(s.anchor),
                        tag: opt(s.tag),
                        flow: s.style == sys::YAML_FLOW_MAPPING_STYLE,
                    }
                }
                sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
                _ => Event::StreamEnd,
            };
            sys::yaml_event_delete(event.as_mut_ptr());
            Ok((out, mark))
        }
    }
}

/// Where a `?` opens a flow-sequence entry and a `]` follows it at once (`[?]`, `[a, ? ]`).
/// PyYAML's bundled libyaml reads that entry as `{None: None}` and closes the sequence;
/// libyaml-rs consumes the `]` as the missing key and then fails, so the loader refuses these
/// instead of reporting an error PAT does not (found by the YAML differential). The marks are
/// those of the `?` tokens, which the entries' `MappingStart` events carry.
pub fn bare_keys_closing_sequences(input: &[u8]) -> Vec<Mark> {
    let mut scanner = Parser::new(input);
    let mut found = Vec::new();
    // One entry per open flow collection: `true` for a sequence.
    let mut flow: Vec<bool> = Vec::new();
    let mut pending: Option<Mark> = None;
    loop {
        let mut token = MaybeUninit::<sys::yaml_token_t>::uninit();
        // SAFETY: the scanner is initialised (see `new`); `yaml_parser_scan` zeroes then
        // fills the token, which is read and deleted before the next call.
        unsafe {
            let parser = addr_of_mut!((*scanner.pin.as_mut_ptr()).sys);
            if sys::yaml_parser_scan(parser, token.as_mut_ptr()).fail {
                break;
            }
            let t = &*token.as_ptr();
            let ty = t.type_;
            if ty == sys::YAML_FLOW_SEQUENCE_END_TOKEN && flow.last() == Some(&true) {
                found.extend(pending);
            }
            pending = None;
            match ty {
                sys::YAML_FLOW_SEQUENCE_START_TOKEN => flow.push(true),
                sys::YAML_FLOW_MAPPING_START_TOKEN => flow.push(false),
                sys::YAML_FLOW_SEQUENCE_END_TOKEN | sys::YAML_FLOW_MAPPING_END_TOKEN => {
                    flow.pop();
                }
                sys::YAML_KEY_TOKEN => {
                    pending = Some(Mark {
                        line: t.start_mark.line as usize,
                        column: t.start_mark.column as usize,
                    })
                }
                _ => {}
            }
            let done = ty == sys::YAML_STREAM_END_TOKEN || ty == sys::YAML_NO_TOKEN;
            sys::yaml_token_delete(token.as_mut_ptr());
            if done {
                break;
            }
        }
    }
    found
}

impl Drop for Parser {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`; the parser is deleted before its input is freed.
        unsafe {
            let p = self.pin.as_mut_ptr();
            sys::yaml_parser_delete(addr_of_mut!((*p).sys));
            std::ptr::drop_in_place(addr_of_mut!((*p).input));
        }
    }
}
