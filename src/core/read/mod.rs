//! Reading a form: the prompt, the model's text to a record, every check, second readings, hints from folder names, what an image or a PDF page may be; the generated answer corpus (tests and benchmarks).

#[cfg(any(test, feature = "testing"))]
pub mod corpus;
pub mod extract;
pub mod image;
pub mod path_hints;
pub mod pdf;
pub mod prompt;
pub mod reread;
pub mod validate;
