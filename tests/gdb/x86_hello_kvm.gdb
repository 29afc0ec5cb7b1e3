# gdb-multiarch batch script against doppel -M pc -accel kvm running the x86
# guest tests/guest/x86/hello.asm: x86_hello.gdb without the watchpoints
# (see tests/unit/test_gdb_multiarch.c).
set pagination off
set confirm off
echo == connected\n
p/x $eip
p/x $eax
break test_main
continue
echo == at test_main\n
p $pc == test_main
stepi
echo == stepped\n
p (long)$pc - (long)&test_main
set var $ebx = 0x1234abcd
p/x $ebx
x/4xb &test_name
set var *(char *)&test_name = 'J'
x/s &test_name
delete
echo == monitor\n
monitor info registers
kill
echo == killed\n
