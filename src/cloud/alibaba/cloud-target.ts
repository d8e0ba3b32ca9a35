/** Where an Alibaba CloudApi sends its calls, in words for status lines (never credentials). Loads no SDK. */
export function cloudTarget(options: { readonly sandbox: boolean; readonly endpoint?: string }): string {
  if (options.sandbox) return 'sandbox (in-process Alibaba Cloud emulator)';
  return options.endpoint ? `Alibaba Cloud API at ${new URL(options.endpoint).host}` : 'Alibaba Cloud';
}
