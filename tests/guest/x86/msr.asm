; QEMU-DIFFERS: QEMU's TCG returns 0 for RDMSR of an unimplemented MSR and
; ignores WRMSR to one; SDM Vol 2 RDMSR/WRMSR: #GP(0) "if the value in ECX
; specifies a reserved or unimplemented MSR address".
;
; Unknown MSRs fault; the guest state is untouched by the faulting RDMSR.
%include "lib.inc"
TEST_NAME "msr"

test_main:
    mov eax, 0x11111111
    mov edx, 0x22222222
    TRY .rd_done
    mov ecx, 0x0badc0de
.rd:
    rdmsr
.rd_done:
    CHECK "rdmsr of an unknown MSR raises #GP", dword [fault_vec], 13
    CHECK "#GP(0)", dword [fault_err], 0
    CHECK "#GP at the rdmsr", dword [fault_eip], .rd
    CHECK "rdmsr fault leaves eax", eax, 0x11111111
    CHECK "rdmsr fault leaves edx", edx, 0x22222222
    TRY .wr_done
    mov ecx, 0x0badc0de
    wrmsr
.wr_done:
    CHECK "wrmsr of an unknown MSR raises #GP", dword [fault_vec], 13
    ret
