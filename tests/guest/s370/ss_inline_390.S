/* ss_inline.S on -M s390: ESA/390, and its cases again through DAT. */
#include "ss_inline.S"
