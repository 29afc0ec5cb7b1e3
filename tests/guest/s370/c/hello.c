/* A C program for ESA/390 built with Debian's s390x cross gcc: integer
 * arithmetic, 64-bit values, arrays, structs, recursion, function
 * pointers and switch, checked, then a line on the console. */
#include "guest.h"

struct point {
    int x, y;
};

static int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static int add(int a, int b)
{
    return a + b;
}
static int mul(int a, int b)
{
    return a * b;
}

static unsigned long long factorial(unsigned n)
{
    unsigned long long r = 1;
    while (n > 1)
        r *= n--;
    return r;
}

static int classify(int v)
{
    switch (v) {
    case 0: return 10;
    case 1: return 20;
    case 2: return 30;
    case 5: return 60;
    case 9: return 100;
    default: return -1;
    }
}

static unsigned sieve_count(unsigned limit)
{
    static unsigned char composite[1000];
    unsigned count = 0;
    for (unsigned i = 2; i < limit; i++) {
        if (composite[i]) continue;
        count++;
        for (unsigned j = i * 2; j < limit; j += i)
            composite[j] = 1;
    }
    return count;
}

int main(void)
{
    volatile int seven = 7, minus3 = -3;
    if (fib(20) != 6765) return 1;
    int (*ops[2])(int, int) = {add, mul};
    if (ops[0](seven, minus3) != 4 || ops[1](seven, minus3) != -21) return 2;
    if (seven / minus3 != -2 || seven % minus3 != 1) return 3;
    if (factorial(20) != 2432902008176640000ull) return 4;
    volatile long long big = -1234567890123ll;
    if (big / 1000 != -1234567890ll || big % 1000 != -123 ||
        (unsigned long long)big >> 40 != 0xfffffeull)
        return 5;
    struct point pts[4];
    for (int i = 0; i < 4; i++)
        pts[i] = (struct point){i, i * i};
    int sum = 0;
    for (int i = 0; i < 4; i++)
        sum += pts[i].x + pts[i].y;
    if (sum != 20) return 6;
    if (classify(5) != 60 || classify(3) != -1 || classify(9) != 100) return 7;
    if (sieve_count(1000) != 168) return 8;
    char buf[32];
    if (format_unsigned(buf, 4294967295u) != 10 || !text_equal(buf, "4294967295")) return 9;
    console_puts("hello from C on ESA/390");
    return 0;
}
