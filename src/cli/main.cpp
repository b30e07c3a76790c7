#include <cstdio>
int main()
{
    std::puts("berth: placeholder");
    return 0;
}
