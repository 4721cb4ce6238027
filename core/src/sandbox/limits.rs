//! Every limit a rule runs under: each a guard against a script that loops or grows for ever.

/// Operations one evaluation may run (a loop iteration is a few).
pub const MAX_OPERATIONS: u64 = 200_000;
/// Nested function calls.
pub const MAX_CALL_LEVELS: usize = 16;
/// Nesting of expressions (global, inside functions).
pub const MAX_EXPR_DEPTH: (usize, usize) = (64, 32);
/// Characters in one string.
pub const MAX_STRING_SIZE: usize = 10_000;
/// Elements in one array.
pub const MAX_ARRAY_SIZE: usize = 10_000;
/// Entries in one object map.
pub const MAX_MAP_SIZE: usize = 10_000;
/// Modules one evaluation may import.
pub const MAX_MODULES: usize = 16;
/// Bytes one evaluation may hold at once, everything it built counted (with
/// [`MeteredAllocator`](crate::MeteredAllocator) installed).
pub const MAX_MEMORY: usize = 16 << 20;
/// Wall-clock time one evaluation may take, a second guard behind the operation count (which
/// is what stops a loop, deterministically); unoptimised builds are ten times slower.
pub const MAX_TIME: std::time::Duration = std::time::Duration::from_secs(if cfg!(debug_assertions) { 10 } else { 1 });
/// Bytes of one script or module's source: compile time grows faster than the source.
pub const MAX_SCRIPT_SIZE: usize = 64 << 10;
/// Variables in scope at once.
pub const MAX_VARIABLES: usize = 1_000;
/// Functions one script defines.
pub const MAX_FUNCTIONS: usize = 256;
/// Stack one evaluation may need at most: what a script nesting calls and expressions as deep
/// as the limits allow uses (measured: under 512 KiB in release, 2 MiB unoptimised). With
/// less left, the evaluation runs on a stack of twice this size of its own.
pub const STACK_RED_ZONE: usize = if cfg!(debug_assertions) { 4 << 20 } else { 1 << 20 };
/// Measures one verdict may carry (`.measure(name, x)`), and characters in a measure's name.
pub const MAX_MEASURES: (usize, usize) = (32, 64);
/// Decimals a number is shown with.
pub const MAX_DECIMALS: u32 = 12;
