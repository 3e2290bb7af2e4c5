//! Python's abstract syntax tree, shaped after CPython's `ast` module (3.11).
//!
//! The parser (`parser.rs`) produces it; the evaluator (`eval.rs`) walks it. Names follow
//! CPython's node names so that `ast.dump` knowledge carries over: `Stmt::FunctionDef`,
//! `Expr::BinOp`, `Comprehension`, and so on.

use std::rc::Rc;

/// Where a node starts in its file: 1-based line, 0-based column (in characters), as CPython.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A whole module (one `.py` file or one console input).
#[derive(Debug, Clone)]
pub struct Module {
    pub body: Vec<Stmt>,
}

/// A statement with its position.
#[derive(Debug, Clone)]
pub struct Stmt {
    pub pos: Pos,
    /// Line of the statement's last token (tracebacks and the console's block logic use it).
    pub end_line: u32,
    pub kind: StmtKind,
}

/// A block of statements (`body`, `orelse`, ...). Shared so that function objects can keep
/// their body without copying it.
pub type Block = Rc<Vec<Stmt>>;

#[derive(Debug, Clone)]
pub enum StmtKind {
    FunctionDef(Rc<FunctionDef>),
    ClassDef(Rc<ClassDef>),
    Return(Option<Expr>),
    Delete(Vec<Expr>),
    /// `a = b = value`: every target, left to right, then the value.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `target: annotation [= value]`; `simple` is true for a bare name not in parentheses.
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
        simple: bool,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Block,
        orelse: Block,
        is_async: bool,
    },
    While {
        test: Expr,
        body: Block,
        orelse: Block,
    },
    If {
        test: Expr,
        body: Block,
        orelse: Block,
    },
    With {
        items: Vec<WithItem>,
        body: Block,
        is_async: bool,
    },
    /// `match`: parsed so that it can be reported as unsupported with its line.
    Match {
        subject: Expr,
    },
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    Try {
        body: Block,
        handlers: Vec<ExceptHandler>,
        orelse: Block,
        finalbody: Block,
        is_star: bool,
    },
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    /// `import a.b as c, d`
    Import(Vec<Alias>),
    /// `from ..mod import a as b, c` (`module` None for `from . import x`; names `*` for star).
    ImportFrom {
        module: Option<String>,
        names: Vec<Alias>,
        level: u32,
    },
    Global(Vec<String>),
    Nonlocal(Vec<String>),
    Expr(Expr),
    Pass,
    Break,
    Continue,
}

#[derive(Debug, Clone)]
pub struct FunctionDef {
    pub name: String,
    pub args: Arguments,
    pub body: Block,
    pub decorators: Vec<Expr>,
    pub returns: Option<Expr>,
    pub is_async: bool,
    /// True when the body contains `yield` / `yield from` (not counting nested functions).
    pub is_generator: bool,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct ClassDef {
    pub name: String,
    pub bases: Vec<Expr>,
    pub keywords: Vec<Keyword>,
    pub body: Block,
    pub decorators: Vec<Expr>,
    pub pos: Pos,
}

/// A function's parameters, as CPython's `ast.arguments`.
#[derive(Debug, Clone, Default)]
pub struct Arguments {
    pub posonlyargs: Vec<Arg>,
    pub args: Vec<Arg>,
    pub vararg: Option<Arg>,
    pub kwonlyargs: Vec<Arg>,
    /// One entry per kwonly arg: its default, if any.
    pub kw_defaults: Vec<Option<Expr>>,
    pub kwarg: Option<Arg>,
    /// Defaults of the last `defaults.len()` positional parameters (posonly then regular).
    pub defaults: Vec<Expr>,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: String,
    pub annotation: Option<Expr>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Keyword {
    /// None for `**mapping`.
    pub arg: Option<String>,
    pub value: Expr,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Alias {
    /// Dotted name as written (`os.path`), or `*`.
    pub name: String,
    pub asname: Option<String>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct WithItem {
    pub context_expr: Expr,
    pub optional_vars: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct ExceptHandler {
    pub typ: Option<Expr>,
    pub name: Option<String>,
    pub body: Block,
    pub pos: Pos,
}

/// An expression with its position.
#[derive(Debug, Clone)]
pub struct Expr {
    pub pos: Pos,
    /// Where it ends (line, and 0-based column after its last character).
    pub end: Pos,
    pub kind: Box<ExprKind>,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    /// `a and b and c` / `a or b`
    BoolOp {
        op: BoolOp,
        values: Vec<Expr>,
    },
    /// `(x := value)`
    NamedExpr {
        target: String,
        value: Expr,
    },
    BinOp {
        left: Expr,
        op: BinOp,
        right: Expr,
    },
    UnaryOp {
        op: UnaryOp,
        operand: Expr,
    },
    Lambda {
        args: Rc<Arguments>,
        body: Rc<Expr>,
    },
    IfExp {
        test: Expr,
        body: Expr,
        orelse: Expr,
    },
    /// `{k: v, **m}`: a None key is a `**m` unpacking.
    Dict {
        keys: Vec<Option<Expr>>,
        values: Vec<Expr>,
    },
    Set(Vec<Expr>),
    ListComp {
        elt: Expr,
        generators: Rc<Vec<Comprehension>>,
    },
    SetComp {
        elt: Expr,
        generators: Rc<Vec<Comprehension>>,
    },
    DictComp {
        key: Expr,
        value: Expr,
        generators: Rc<Vec<Comprehension>>,
    },
    GeneratorExp {
        elt: Expr,
        generators: Rc<Vec<Comprehension>>,
    },
    Await(Expr),
    Yield(Option<Expr>),
    YieldFrom(Expr),
    /// `a < b <= c`
    Compare {
        left: Expr,
        ops: Vec<CmpOp>,
        comparators: Vec<Expr>,
    },
    Call {
        func: Expr,
        args: Vec<Expr>,
        keywords: Vec<Keyword>,
    },
    /// An f-string: literal parts and formatted values, in order.
    JoinedStr(Vec<Expr>),
    /// `{value!conversion:format_spec}` inside an f-string; conversion is 's', 'r', 'a' or none.
    FormattedValue {
        value: Expr,
        conversion: Option<char>,
        format_spec: Option<Expr>,
    },
    Constant(Constant),
    Attribute {
        value: Expr,
        attr: String,
    },
    Subscript {
        value: Expr,
        slice: Expr,
    },
    /// `*value` in a call, list display or assignment target.
    Starred(Expr),
    Name(String),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    /// `lower:upper:step` inside a subscript.
    Slice {
        lower: Option<Expr>,
        upper: Option<Expr>,
        step: Option<Expr>,
    },
}

#[derive(Debug, Clone)]
pub struct Comprehension {
    pub target: Expr,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
    pub is_async: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Constant {
    None,
    True,
    False,
    Ellipsis,
    /// Integers that fit in i64; larger literals are kept as their decimal text.
    Int(i64),
    BigInt(String),
    Float(f64),
    /// Imaginary literal `3j`: the imaginary part.
    Complex(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mult,
    MatMult,
    Div,
    Mod,
    Pow,
    LShift,
    RShift,
    BitOr,
    BitXor,
    BitAnd,
    FloorDiv,
}

impl BinOp {
    /// The operator as written in source (`+`, `//`, ...), as error messages show it.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mult => "*",
            BinOp::MatMult => "@",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::BitAnd => "&",
            BinOp::FloorDiv => "//",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Invert,
    Not,
    UAdd,
    USub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    /// The operator as written in source, as error messages show it.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

/// A syntax error as CPython reports it: `SyntaxError`, `IndentationError` or `TabError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// "SyntaxError", "IndentationError" or "TabError".
    pub kind: &'static str,
    pub msg: String,
    /// 1-based line and column (CPython's `lineno` and `offset`, offset 1-based).
    pub line: u32,
    pub offset: u32,
    /// End of the caret range (1-based, exclusive), when CPython shows a range.
    pub end_offset: Option<u32>,
    /// Found after parsing (CPython's compiler or symtable: `'return' outside function`). Such
    /// errors carry no source text when the code has no file (the console).
    pub compiler: bool,
}

/// `ast.unparse` for the expressions annotations are made of (names, attributes, subscripts,
/// constants, `|`, lists, tuples, calls): the text `from __future__ import annotations` keeps
/// in `__annotations__` instead of the evaluated value (PEP 563). Other expressions give `...`.
pub fn unparse(e: &Expr) -> String {
    fn seq(items: &[Expr]) -> String {
        items.iter().map(unparse).collect::<Vec<_>>().join(", ")
    }
    match &*e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Attribute { value, attr } => format!("{}.{attr}", unparse(value)),
        ExprKind::Subscript { value, slice } => {
            let inner = match &*slice.kind {
                ExprKind::Tuple(items) if !items.is_empty() => seq(items),
                _ => unparse(slice),
            };
            format!("{}[{inner}]", unparse(value))
        }
        ExprKind::Constant(c) => match c {
            Constant::None => "None".into(),
            Constant::True => "True".into(),
            Constant::False => "False".into(),
            Constant::Ellipsis => "...".into(),
            Constant::Int(i) => i.to_string(),
            Constant::BigInt(s) => s.clone(),
            Constant::Float(f) => crate::python::format::float_repr(*f),
            Constant::Complex(f) => format!("{}j", crate::python::format::float_repr(*f)),
            Constant::Str(s) => crate::python::format::str_repr(s),
            Constant::Bytes(_) => "...".into(),
        },
        ExprKind::BinOp { left, op, right } => format!("{} {} {}", unparse(left), op.symbol(), unparse(right)),
        ExprKind::UnaryOp { op, operand } => {
            let sym = match op {
                UnaryOp::Invert => "~",
                UnaryOp::Not => "not ",
                UnaryOp::UAdd => "+",
                UnaryOp::USub => "-",
            };
            format!("{sym}{}", unparse(operand))
        }
        ExprKind::List(items) => format!("[{}]", seq(items)),
        ExprKind::Tuple(items) if items.len() == 1 => format!("({},)", unparse(&items[0])),
        ExprKind::Tuple(items) => format!("({})", seq(items)),
        ExprKind::Starred(v) => format!("*{}", unparse(v)),
        ExprKind::Call { func, args, keywords } => {
            let mut parts: Vec<String> = args.iter().map(unparse).collect();
            for k in keywords {
                parts.push(match &k.arg {
                    Some(a) => format!("{a}={}", unparse(&k.value)),
                    None => format!("**{}", unparse(&k.value)),
                });
            }
            format!("{}({})", unparse(func), parts.join(", "))
        }
        _ => "...".into(),
    }
}
