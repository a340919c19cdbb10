import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../../../platform/errors';

export const ALLOWED_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

/**
 * Decides what a file is from its bytes, never its name: PDF, PNG or JPEG within the size cap, and the
 * same type the uploader declared. Returns the detected content type or throws BAD_USER_INPUT.
 */
export async function checkContent(
  bytes: Buffer,
  declared: string | undefined,
  maxBytes: number,
): Promise<AllowedType> {
  if (bytes.length === 0) throw new AppError('BAD_USER_INPUT', 'the file is empty', { field: 'file' });
  if (bytes.length > maxBytes) {
    throw new AppError('BAD_USER_INPUT', `the file is larger than ${maxBytes} bytes`, { field: 'file' });
  }
  const detected = (await fileTypeFromBuffer(bytes))?.mime;
  if (!detected || !(ALLOWED_TYPES as readonly string[]).includes(detected)) {
    throw new AppError('BAD_USER_INPUT', 'only PDF, PNG and JPEG files are accepted (checked by content)', {
      field: 'file',
    });
  }
  const declaredType = declared?.split(';')[0]?.trim().toLowerCase();
  if (declaredType && declaredType !== 'application/octet-stream' && declaredType !== detected) {
    throw new AppError(
      'BAD_USER_INPUT',
      `the file was declared as ${declaredType} but its content is ${detected}`,
      {
        field: 'file',
      },
    );
  }
  return detected as AllowedType;
}
