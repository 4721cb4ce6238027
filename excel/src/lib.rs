//! Excel workbooks for attain.
