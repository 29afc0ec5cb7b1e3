/* The PSW-key-mask and extraction-authority checks of pkm.S on -M s390
 * (PoO-390 §10 "Set PSW Key From Address", "Insert PSW Key"). */
#include "pkm.S"
