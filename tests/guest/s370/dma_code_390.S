/* The code overwritten by DMA of dma_code.S on -M s390: the channel
 * subsystem's SSCH and TSCH instead of SIO and TIO (PoO-390 §14-16). */
#include "dma_code.S"
