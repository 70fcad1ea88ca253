/* guest-os: true, the smallest program: exits 0 at once, printing nothing
 * (bench's fork+exec+wait target, like lmbench's lat_proc exec "hello"). */

/* Exit with success. */
int main(void)
{
    return 0;
}
