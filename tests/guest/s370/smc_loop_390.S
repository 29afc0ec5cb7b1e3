/* The self-modifying hot loops of smc_loop.S on -M s390 (ESA/390,
 * 31-bit addressing; PoO-390 chapter 5, "Storage-Operand Consistency"). */
#include "smc_loop.S"
