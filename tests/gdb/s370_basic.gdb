# gdb-multiarch batch script against doppel -M s370 running the S/370
# guest tests/guest/s370/basic.S (symbols from basic.elf).  The loop at
# .Lloop adds 3 to r4 ten times (bct on r5); setting r5 to 1 at the first
# pass cuts it to one, so the guest's check 3 fails and it ends with
# wait code 3, which gdb reports as the exit code.  Local labels are not
# gdb symbols: the test sets $loop and $half to .Lloop and .Lhalf (nm).
set pagination off
set confirm off
echo == connected\n
p/x $pc
break *$loop
continue
echo == at loop\n
p $pc == $loop
p $r5
continue
echo == second pass\n
p $r5
p $r4
stepi
echo == stepped\n
p/x $pc
x/2xh $half
set var *(short *)$half = 5
x/2xh $half
delete
set var $r5 = 1
monitor info registers
echo == continue to the end\n
continue
