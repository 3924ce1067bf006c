# Multiboot (a.out kludge) test kernel for builder/src/qemu tests; see echo-kernel.ts.
# Prints "echo-kernel: cmdline=<cmdline>\n", echoes serial input, resets (0xcf9) after 'q'.
.code32
.text
.globl _start
header:
  .long 0x1BADB002
  .long 0x00010000
  .long -(0x1BADB002 + 0x00010000)
  .long header
  .long header
  .long 0
  .long 0
  .long _start
_start:
  mov $0x90000, %esp
  mov $0x3f8, %dx
  mov $msg, %esi
  call puts
  mov 16(%ebx), %esi
  call puts
  mov $10, %al
  out %al, %dx
echo:
  mov $0x3fd, %dx
1: in %dx, %al
  test $1, %al
  jz 1b
  mov $0x3f8, %dx
  in %dx, %al
  out %al, %dx
  cmp $'q', %al
  jne echo
  mov $0xcf9, %dx
  mov $6, %al
  out %al, %dx
2: hlt
  jmp 2b
puts:
  lodsb
  test %al, %al
  jz 3f
  out %al, %dx
  jmp puts
3: ret
msg: .asciz "echo-kernel: cmdline="
