import { type Db, GridFSBucket, MongoClient, ObjectId } from 'mongodb';
import type { Doc, DocumentStore, Filter, FindOptions, StoredFile } from './port';

export class MongoDocumentStore implements DocumentStore {
  readonly kind = 'mongodb' as const;
  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  static async connect(url: string, dbName: string): Promise<MongoDocumentStore> {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    return new MongoDocumentStore(client, client.db(dbName));
  }

  async insert(collection: string, doc: Doc) {
    await this.db.collection<Doc>(collection).insertOne(doc);
  }

  async insertIfAbsent(collection: string, doc: Doc) {
    try {
      await this.db.collection<Doc>(collection).insertOne(doc);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async get<T extends Doc>(collection: string, id: string) {
    return (await this.db.collection<Doc>(collection).findOne({ _id: id })) as T | null;
  }

  async find<T extends Doc>(collection: string, filter: Filter, options: FindOptions = {}) {
    const query = options.before === undefined ? filter : { ...filter, _id: { $lt: options.before } };
    const cursor = this.db
      .collection<Doc>(collection)
      .find(query)
      .sort({ _id: options.newestFirst ? -1 : 1 });
    if (options.limit) cursor.limit(options.limit);
    return (await cursor.toArray()) as T[];
  }

  count(collection: string, filter: Filter) {
    return this.db.collection<Doc>(collection).countDocuments(filter);
  }

  async update(collection: string, id: string, patch: Record<string, unknown>) {
    const r = await this.db.collection<Doc>(collection).updateOne({ _id: id }, { $set: patch });
    return r.matchedCount === 1;
  }

  async delete(collection: string, id: string) {
    const r = await this.db.collection<Doc>(collection).deleteOne({ _id: id });
    return r.deletedCount === 1;
  }

  async putFile(bucket: string, filename: string, content: Buffer, metadata: Record<string, unknown>) {
    const id = new ObjectId();
    const upload = new GridFSBucket(this.db, { bucketName: bucket }).openUploadStreamWithId(id, filename, {
      metadata,
    });
    await new Promise<void>((resolve, reject) => {
      upload.once('error', reject);
      upload.once('finish', () => resolve());
      upload.end(content);
    });
    return id.toHexString();
  }

  async getFile(bucket: string, id: string): Promise<StoredFile | null> {
    if (!ObjectId.isValid(id)) return null;
    const gridfs = new GridFSBucket(this.db, { bucketName: bucket });
    const oid = new ObjectId(id);
    const [info] = await gridfs.find({ _id: oid }).toArray();
    if (!info) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of gridfs.openDownloadStream(oid)) chunks.push(chunk as Buffer);
    return {
      id,
      filename: info.filename,
      length: info.length,
      metadata: (info.metadata ?? {}) as Record<string, unknown>,
      content: Buffer.concat(chunks),
    };
  }

  async close() {
    await this.client.close();
  }
}
