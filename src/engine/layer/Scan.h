// Checking a layer tar without unpacking it.
//
// Load and import keep a layer as its blob and unpack it only when something
// first needs its files (Engine::ensureUnpacked), so that a load writes the
// layer's bytes once. What they still owe the store at once is the layer's
// identity and its verdict: scanLayer reads the whole tar, hashing it into the
// diffID, and parses every entry header (file data is skipped, but hashed as it
// passes), so a corrupt or truncated tar fails the load. It reports the same
// sizes applyLayer would, and refuses with applyLayer's own words what can be
// judged from the names alone: an empty or absolute name, a ".." component, a
// hard link whose target is absolute or escapes the root, a layer root that is
// not a directory, an invalid whiteout, an unsupported entry type, and an entry
// or hard link target that goes through a symbolic link an earlier entry of the
// same tar made ("a -> /etc", then "a/passwd"). What only the file system can
// tell (e.g. a name below a regular file) is left to the unpack.
#pragma once

#include "layer/Apply.h"

namespace berth::layer {

struct ScanOptions
{
    // The whiteout handling of the apply this scan stands in for: with Overlay,
    // `.wh.` entries are deletions and count no bytes.
    WhiteoutFormat whiteouts = WhiteoutFormat::Overlay;
    // onBytes gets the bytes read from `in` so far (compressed, when it is).
    Progress progress;
};

// `in` may be compressed (detected). As with applyLayer, `in` is read and
// decompressed on a thread of its own and must not be tied to one thread.
Result<ApplyResult> scanLayer(Reader &in, const ScanOptions &options = {});

} // namespace berth::layer
