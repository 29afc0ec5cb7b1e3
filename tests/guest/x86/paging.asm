; Paging (SDM Vol 3 §4.3 32-bit paging, §4.4 PAE, §4.7 page-fault error
; codes, §4.8 accessed and dirty flags): 4 KiB pages, 4 MiB PSE pages,
; PAE with 2 MiB and 4 KiB pages, #PF error codes and CR2, CR0.WP,
; INVLPG.
%include "lib.inc"
TEST_NAME "paging"

PTE_P equ 1
PTE_W equ 2
PTE_U equ 4
PTE_A equ 0x20
PTE_D equ 0x40
PDE_PS equ 0x80
VIRT equ 0x40000000                 ; PDE 256, PTE 0
FRAME equ 0x300000                  ; physical frames used below
FRAME2 equ 0x301000

test_main:
    ; 32-bit paging: PD[0] -> page_table identity-maps 0-4 MiB (our code,
    ; data, stack, low memory); PD[256] -> page_table2 maps VIRT.
    mov edi, page_table
    mov eax, PTE_P | PTE_W
    mov ecx, 1024
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov dword [page_dir], page_table + (PTE_P | PTE_W)
    mov dword [page_dir + 256 * 4], page_table2 + (PTE_P | PTE_W)
    mov dword [page_table2], FRAME + (PTE_P | PTE_W)
    mov dword [page_table2 + 4], FRAME2 + PTE_P ; read-only
    mov dword [FRAME], 0x11111111
    mov dword [FRAME2], 0x22222222
    mov eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    mov eax, [VIRT]
    CHECK "4K page maps its frame", eax, 0x11111111
    mov eax, [page_table2]
    and eax, PTE_A | PTE_D
    CHECK "read sets A, not D", eax, PTE_A
    mov eax, [page_dir + 256 * 4]
    and eax, PTE_A
    CHECK "walk sets PDE A", eax, PTE_A
    mov dword [VIRT + 8], 0x33
    mov eax, [page_table2]
    and eax, PTE_A | PTE_D
    CHECK "write sets D", eax, PTE_A | PTE_D
    CHECK "write reaches the frame", dword [FRAME + 8], 0x33

    ; Not present: read, supervisor -> error code 0, CR2 = address.
    TRY .np_done
    mov eax, [VIRT + 0x2004]
.np_done:
    CHECK "not-present page raises #PF", dword [fault_vec], 14
    CHECK "#PF error code: read, not present", dword [fault_err], 0
    mov eax, cr2
    CHECK "CR2 holds the address", eax, VIRT + 0x2004
    TRY .npw_done
    mov dword [VIRT + 0x2000], 0
.npw_done:
    CHECK "#PF error code: write, not present", dword [fault_err], 2

    ; Read-only page: a supervisor write succeeds with CR0.WP = 0 ...
    mov dword [VIRT + 0x1010], 0x44
    CHECK "WP=0: supervisor writes a read-only page", dword [FRAME2 + 0x10], 0x44
    ; ... and faults with WP = 1: error code P | W.
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    TRY .wp_done
    mov dword [VIRT + 0x1010], 0x55
.wp_done:
    CHECK "WP=1: write to read-only raises #PF", dword [fault_vec], 14
    CHECK "#PF error code: write, present", dword [fault_err], 3
    CHECK "WP=1: the write did not happen", dword [FRAME2 + 0x10], 0x44
    ; SCAS and CMPS only read ES:EDI: they run on the read-only page.
    TRY .scas_done
    cld
    mov edi, VIRT + 0x1000
    mov ecx, 0x100
    mov al, 0x44
    repne scasb
.scas_done:
    CHECK "WP=1: REPNE SCASB reads a read-only page", dword [fault_vec], -1
    CHECK "REPNE SCASB stops after the match", edi, VIRT + 0x1011
    TRY .cmps_done
    mov esi, FRAME2
    mov edi, VIRT + 0x1000
    mov ecx, 0x20
    repe cmpsb
.cmps_done:
    CHECK "WP=1: REPE CMPSB reads a read-only page", dword [fault_vec], -1
    CHECK "REPE CMPSB compares the page with its frame", ecx, 0
    mov eax, cr0
    and eax, ~0x10000
    mov cr0, eax

    ; INVLPG: remap VIRT to FRAME2; the old translation is gone after it.
    mov eax, [VIRT]
    mov dword [page_table2], FRAME2 + (PTE_P | PTE_W)
    invlpg [VIRT]
    mov eax, [VIRT]
    CHECK "invlpg drops the old translation", eax, 0x22222222

    ; Reserved bit in a PDE with PSE off is not checked (bit 7 is PS only
    ; with CR4.PSE); with CR4.PSE: a 4 MiB page at 0x80000000 -> 0.
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov dword [page_dir + 512 * 4], 0 + (PTE_P | PTE_W | PDE_PS)
    mov eax, cr3
    mov cr3, eax
    mov eax, [0x80000000 + FRAME]
    CHECK "PSE 4M page", eax, 0x11111111
    mov eax, [0x80000000 + 0x3ffffc]
    mov eax, [page_dir + 512 * 4]
    and eax, PTE_A | PTE_D
    CHECK "PSE page A set on read", eax, PTE_A
    mov dword [0x80000000 + FRAME + 12], 0x66
    mov eax, [page_dir + 512 * 4]
    and eax, PTE_D
    CHECK "PSE page D set on write", eax, PTE_D
    CHECK "PSE write reaches memory", dword [FRAME + 12], 0x66

    ; User page protection: a supervisor access to a U page is fine;
    ; the error code of a user-mode fault is exercised by the tss test.

    ; PAE: paging off, switch CR4.PAE, new tables, paging on.
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    mov eax, cr4
    or eax, 0x20
    mov cr4, eax
    ; PDPT[0] -> pae_pd; pae_pd[0] = 2 MiB page at 0, pae_pd[1] = 2 MiB
    ; page at 2 MiB (identity, our image and FRAME); PDPT[1] (1-2 GiB)
    ; -> pae_pd2 whose entry 0 -> pae_pt: 4 KiB page VIRT -> FRAME.
    mov dword [pdpt], pae_pd + PTE_P
    mov dword [pdpt + 8], pae_pd2 + PTE_P
    mov dword [pae_pd], 0 + (PTE_P | PTE_W | PDE_PS)
    mov dword [pae_pd + 8], 0x200000 + (PTE_P | PTE_W | PDE_PS)
    mov dword [pae_pd2], pae_pt + (PTE_P | PTE_W)
    mov dword [pae_pt], FRAME + (PTE_P | PTE_W)
    mov eax, pdpt
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov eax, [VIRT]
    CHECK "PAE 4K page", eax, 0x11111111
    mov eax, [pae_pt]
    and eax, PTE_A | PTE_D
    CHECK "PAE read sets A", eax, PTE_A
    mov dword [VIRT + 16], 0x77
    mov eax, [pae_pt]
    and eax, PTE_D
    CHECK "PAE write sets D", eax, PTE_D
    CHECK "PAE 2M identity page", dword [FRAME + 16], 0x77
    TRY .pae_np_done
    mov eax, [0xc0000000]           ; PDPT[3] not present
.pae_np_done:
    CHECK "PAE not-present PDPTE raises #PF", dword [fault_vec], 14
    mov eax, cr2
    CHECK "PAE CR2", eax, 0xc0000000

    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    mov eax, cr4
    and eax, ~0x30
    mov cr4, eax
    ret

section .bss
alignb 4096
page_dir: resb 4096
page_table: resb 4096
page_table2: resb 4096
pae_pd: resb 4096
pae_pd2: resb 4096
pae_pt: resb 4096
alignb 32
pdpt: resb 32
