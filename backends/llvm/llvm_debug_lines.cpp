/*
 * The line table of a compiled region (-d out_asm): LLVM's C API cannot
 * read DWARF, so this one function uses its C++ DWARF reader on the
 * relocatable object the JIT is about to link.  Offsets are relative to
 * the function's symbol, so they hold wherever the code is placed.
 */
#include <algorithm>
#include <cstdlib>
#include <vector>

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>

#include "backends/llvm/llvm_internal.h"

static bool function_start(const llvm::object::ObjectFile &o, const char *name, uint64_t *start)
{
    for (const llvm::object::SymbolRef &sym : o.symbols()) {
        llvm::Expected<llvm::StringRef> n = sym.getName();
        if (!n) {
            llvm::consumeError(n.takeError());
            continue;
        }
        llvm::Expected<llvm::object::SymbolRef::Type> type = sym.getType();
        if (!type) {
            llvm::consumeError(type.takeError());
            continue;
        }
        if (*n != name || *type != llvm::object::SymbolRef::ST_Function) continue;
        llvm::Expected<uint64_t> a = sym.getAddress();
        if (!a) {
            llvm::consumeError(a.takeError());
            return false;
        }
        *start = *a;
        return true;
    }
    return false;
}

extern "C" size_t llvm_debug_lines(const void *obj, size_t size, const char *name,
                                   LlvmLineRow **rows_out)
{
    *rows_out = nullptr;
    llvm::MemoryBufferRef buf(llvm::StringRef(static_cast<const char *>(obj), size), "region");
    llvm::Expected<std::unique_ptr<llvm::object::ObjectFile>> file =
        llvm::object::ObjectFile::createObjectFile(buf);
    if (!file) {
        llvm::consumeError(file.takeError());
        return 0;
    }
    uint64_t start = 0;
    if (!function_start(**file, name, &start)) return 0;
    std::unique_ptr<llvm::DWARFContext> dwarf = llvm::DWARFContext::create(**file);
    std::vector<LlvmLineRow> rows;
    for (const std::unique_ptr<llvm::DWARFUnit> &cu : dwarf->compile_units()) {
        const llvm::DWARFDebugLine::LineTable *table = dwarf->getLineTableForUnit(cu.get());
        if (!table) continue;
        for (const llvm::DWARFDebugLine::Row &row : table->Rows) {
            if (row.EndSequence || row.Address.Address < start) continue;
            rows.push_back(LlvmLineRow{row.Address.Address - start, row.Line});
        }
    }
    if (rows.empty()) return 0;
    std::stable_sort(rows.begin(), rows.end(), [](const LlvmLineRow &a, const LlvmLineRow &b) {
        return a.offset < b.offset;
    });
    auto *out = static_cast<LlvmLineRow *>(std::malloc(rows.size() * sizeof(LlvmLineRow)));
    if (!out) return 0;
    std::copy(rows.begin(), rows.end(), out);
    *rows_out = out;
    return rows.size();
}
