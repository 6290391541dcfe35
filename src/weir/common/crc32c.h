// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78), the checksum of
// the log's record batches (docs/log_format.md) and of checkpoint files. Uses the SSE4.2 crc32
// instruction when the CPU has it (checked once at startup), otherwise a portable table-driven
// implementation (slicing-by-8); both give identical results.
//
// The value is the standard one: crc32c::Value("123456789", 9) == 0xE3069283, with
// the usual pre- and post-inversion. Unlike LevelDB, weir stores it unmasked.
//
// Thread-safety: pure functions; safe to call concurrently.

#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace weir::crc32c {

// Returns the CRC32C of concat(A, data[0, n)) where `crc` is the CRC32C of A.
// Extend(0, data, n) == Value(data, n).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

// The portable and the SSE4.2 implementations, for tests and benchmarks; Extend
// picks one. ExtendSse42 exists on x86-64 only and REQUIRES a CPU with SSE4.2.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);
#if defined(__x86_64__)
uint32_t ExtendSse42(uint32_t crc, const char* data, size_t n);
#endif
// True when Extend uses the CPU's CRC instruction.
bool HardwareAccelerated();

// Returns the CRC32C of data[0, n).
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

}  // namespace weir::crc32c
