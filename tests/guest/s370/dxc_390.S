/* The data-exception code tests of dxc.S on -M s390 (PoO-390 §6
 * "Data-Exception Code (DXC)"). */
#include "dxc.S"
