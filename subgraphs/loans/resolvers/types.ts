import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AgreementStatus } from '../domain/esign';

registerEnumType(AgreementStatus, {
  name: 'AgreementStatus',
  description: 'Where the loan agreement stands',
});

@ObjectType({ description: 'One stored version of the agreement file.' })
export class AgreementFile {
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'GENERATED or SIGNED' }) kind!: string;
  @Field(() => String) sha256!: string;
  @Field(() => Date) storedAt!: Date;
}

@ObjectType({ description: 'The loan agreement: generated on sanction, signed by OTP or an uploaded copy.' })
@Directive('@key(fields: "id")')
export class Agreement {
  @Field(() => ID) id!: string;
  @Field(() => ID) applicationId!: string;
  @Field(() => String) number!: string;
  @Field(() => AgreementStatus) status!: AgreementStatus;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the current version.' }) sha256!:
    | string
    | null;
  @Field(() => Int, { description: '0 until generated; 2 once e-signed.' }) fileVersion!: number;
  @Field(() => String, { nullable: true, description: 'OTP or UPLOAD' }) signMethod!: string | null;
  @Field(() => Date, { nullable: true }) signedAt!: Date | null;
  @Field(() => Int, { description: 'Wrong codes left before e-sign locks.' }) otpAttemptsLeft!: number;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType({ description: 'Where the code was sent (masked).' })
export class EsignStarted {
  @Field(() => Agreement) agreement!: Agreement;
  @Field(() => String) sentTo!: string;
}

@ObjectType()
export class AgreementFileCheck {
  @Field(() => Int) version!: number;
  @Field(() => String) kind!: string;
  @Field(() => String) recordedSha256!: string;
  @Field(() => String, { nullable: true, description: 'Null when the file is missing from the store.' })
  actualSha256!: string | null;
  @Field(() => Boolean) intact!: boolean;
}

@ObjectType({ description: 'The tamper check: each stored file hashed again against its record.' })
export class AgreementIntegrity {
  @Field(() => ID) agreementId!: string;
  @Field(() => Boolean) intact!: boolean;
  @Field(() => [AgreementFileCheck]) files!: AgreementFileCheck[];
}

@ObjectType('Application')
@Directive('@key(fields: "id")')
export class ApplicationAgreement {
  @Field(() => ID) id!: string;
}
