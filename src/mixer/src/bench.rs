//! `conflab bench mixer --legs N`: the mixer's cost per leg-sample against a plain sum of the same buffers,
//! measured in the same run.
