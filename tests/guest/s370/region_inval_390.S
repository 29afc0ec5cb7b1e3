/* The region invalidations of region_inval.S on -M s390 (ESA/390,
 * 31-bit addressing). */
#include "region_inval.S"
